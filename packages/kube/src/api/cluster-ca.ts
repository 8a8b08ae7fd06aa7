/**
 * The cluster CA certificate: published in every namespace as the kube-root-ca.crt ConfigMap and
 * projected into pods as ca.crt. Nothing verifies TLS in the simulation, so it is a placeholder
 * PEM; what matters is that both places hold the same bytes, as in a real cluster.
 */
export const CLUSTER_CA_CERT = "-----BEGIN CERTIFICATE-----\nMIIBksim\n-----END CERTIFICATE-----\n";
