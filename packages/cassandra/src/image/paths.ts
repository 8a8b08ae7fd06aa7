/** Where the cassandra:v13 image puts things, and the user it runs Cassandra as. */

export const CASSANDRA_VERSION = "3.11.2";
export const CASSANDRA_HOME = `/usr/local/apache-cassandra-${CASSANDRA_VERSION}`;
export const JAVA_HOME = "/usr/lib/jvm/java-8-openjdk-amd64";
/** `adduser --disabled-password ... cassandra` in the Dockerfile: the first free regular uid. */
export const CASSANDRA_UID = 1000;
export const CASSANDRA_GID = 1000;
export const JMX_PORT = 7199;
export const STORAGE_PORT = 7000;
export const NATIVE_PORT = 9042;
