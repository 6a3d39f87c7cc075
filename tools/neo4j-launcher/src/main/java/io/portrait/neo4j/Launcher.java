package io.portrait.neo4j;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

/**
 * Starts Neo4j Community embedded with Bolt on 127.0.0.1 and auth off (loopback only), prints one line
 * "PORTRAIT_NEO4J_READY bolt://127.0.0.1:PORT" once Bolt accepts connections, and shuts the database down
 * cleanly when standard input closes or the process is terminated, so the parent never leaves it orphaned.
 *
 * <p>Arguments: HOME_DIR PORT [PAGECACHE_MB [NAME=VALUE ...]]. Each NAME=VALUE is any other Neo4j setting, by
 * the name neo4j.conf gives it (written to HOME_DIR/portrait-settings.conf, which Neo4j then reads); these win
 * over the launcher's own choices above them, and an unknown name stops the start with Neo4j's error.
 */
public final class Launcher {
  private Launcher() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: Launcher HOME_DIR PORT [PAGECACHE_MB [NAME=VALUE ...]]");
      System.exit(2);
    }
    Path home = Path.of(args[0]).toAbsolutePath();
    int port = Integer.parseInt(args[1]);
    long pageCacheMb = args.length > 2 ? Long.parseLong(args[2]) : 512;
    StringBuilder settings = new StringBuilder();
    for (int i = 3; i < args.length; i++) {
      if (!args[i].matches("[A-Za-z0-9_.]+=.*")) {
        System.err.println("not a NAME=VALUE setting: " + args[i]);
        System.exit(2);
      }
      settings.append(args[i]).append('\n');
    }
    Files.createDirectories(home);
    Path settingsFile = home.resolve("portrait-settings.conf");
    Files.writeString(settingsFile, settings.toString());

    DatabaseManagementService dbms =
        new DatabaseManagementServiceBuilder(home)
            .setConfig(BoltConnector.enabled, true)
            .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
            .setConfig(HttpConnector.enabled, false)
            .setConfig(GraphDatabaseSettings.auth_enabled, false)
            .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pageCacheMb))
            .setConfig(GraphDatabaseSettings.transaction_timeout, Duration.ofMinutes(5))
            .loadPropertiesFromFile(settingsFile)
            .build();

    CountDownLatch stopped = new CountDownLatch(1);
    Thread shutdown =
        new Thread(
            () -> {
              dbms.shutdown();
              stopped.countDown();
            },
            "portrait-neo4j-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdown);

    // Touch the default database so that start-up errors surface here rather than on the first query.
    dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME).executeTransactionally("RETURN 1");
    System.out.println("PORTRAIT_NEO4J_READY bolt://127.0.0.1:" + port);
    System.out.flush();

    // The parent holds our stdin open; when it goes away (normally or not), stop.
    InputStream in = System.in;
    try {
      while (in.read() != -1) {
        // ignore input
      }
    } catch (IOException ignored) {
      // parent gone
    }
    System.exit(0);
  }
}
