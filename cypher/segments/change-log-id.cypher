// The identity of this database's segment change log: the database's own id, the same for every instance
// on this database and different for any other (even one of the same name on another server).
// params: none
CALL db.info() YIELD id
RETURN id
