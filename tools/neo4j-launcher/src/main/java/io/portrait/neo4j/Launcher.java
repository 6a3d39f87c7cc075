package io.portrait.neo4j;

import java.io.IOException;
import java.io.InputStream;
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
 * <p>Arguments: HOME_DIR PORT [PAGECACHE_MB]
 */
public final class Launcher {
  private Launcher() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: Launcher HOME_DIR PORT [PAGECACHE_MB]");
      System.exit(2);
    }
    Path home = Path.of(args[0]).toAbsolutePath();
    int port = Integer.parseInt(args[1]);
    long pageCacheMb = args.length > 2 ? Long.parseLong(args[2]) : 512;

    DatabaseManagementService dbms =
        new DatabaseManagementServiceBuilder(home)
            .setConfig(BoltConnector.enabled, true)
            .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
            .setConfig(HttpConnector.enabled, false)
            .setConfig(GraphDatabaseSettings.auth_enabled, false)
            .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pageCacheMb))
            .setConfig(GraphDatabaseSettings.transaction_timeout, Duration.ofMinutes(5))
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
