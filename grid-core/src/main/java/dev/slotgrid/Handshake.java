package dev.slotgrid;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The data plane's mutual proof of membership: both sides show they hold the cluster's shared
 * secret without sending it, by an HMAC-SHA256 over the cluster name and both sides' fresh nonces
 * (a challenge-response, so a recorded handshake cannot be replayed).
 *
 * <pre>
 * client -> server  HELLO      cluster name, member name, client nonce (16 bytes)
 * server -> client  HELLO_ACK  server nonce, HMAC(secret, "server" | cluster | client nonce | server nonce)
 * client -> server  PROOF      HMAC(secret, "client" | cluster | server nonce | client nonce)
 * </pre>
 *
 * <p>Either side closes the connection at the first thing that does not match; nothing but a
 * handshake frame is read before the proof checks out. Thread-safe; MACs are compared in constant
 * time.
 */
final class Handshake {

    static final int NONCE_BYTES = 16;
    static final int MAC_BYTES = 32;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String clusterName;
    private final byte[] secret;

    Handshake(String clusterName, String secret) {
        this.clusterName = clusterName;
        // an HMAC key must not be empty: a cluster without a secret still proves its name
        this.secret = ("slotgrid:" + (secret == null ? "" : secret)).getBytes(StandardCharsets.UTF_8);
    }

    String clusterName() {
        return clusterName;
    }

    static byte[] nonce() {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        return nonce;
    }

    byte[] serverMac(byte[] clientNonce, byte[] serverNonce) {
        return mac("server", clientNonce, serverNonce);
    }

    byte[] clientMac(byte[] serverNonce, byte[] clientNonce) {
        return mac("client", serverNonce, clientNonce);
    }

    static boolean same(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    private byte[] mac(String role, byte[] first, byte[] second) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(secret, "HmacSHA256"));
            hmac.update(role.getBytes(StandardCharsets.UTF_8));
            hmac.update(clusterName.getBytes(StandardCharsets.UTF_8));
            hmac.update(first);
            hmac.update(second);
            return hmac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    /**
     * A digest of the secret for the membership layer's cluster name: members with another secret
     * form another cluster, so Hazelcast refuses their join (OSS Hazelcast checks no credentials).
     */
    String secretTag() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret);
            StringBuilder hex = new StringBuilder();
            for (int i = 0; i < 6; i++) {
                hex.append(String.format("%02x", digest[i]));
            }
            return hex.toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }
}
