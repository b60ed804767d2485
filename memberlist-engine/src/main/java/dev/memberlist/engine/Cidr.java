package dev.memberlist.engine;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IP network in CIDR notation, for {@link Config#getCidrsAllowed()}. */
record Cidr(byte[] network, int prefix) {
    static Cidr parse(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + cidr + "' is not in CIDR notation (like 10.0.0.0/8)");
        }
        try {
            byte[] net = InetAddress.getByName(cidr.substring(0, slash).trim()).getAddress();
            int prefix = Integer.parseInt(cidr.substring(slash + 1).trim());
            if (prefix < 0 || prefix > net.length * 8) {
                throw new IllegalArgumentException(
                        "'" + cidr + "' has a prefix length outside [0, " + net.length * 8 + "]");
            }
            return new Cidr(net, prefix);
        } catch (UnknownHostException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + cidr + "' is not in CIDR notation (like 10.0.0.0/8)", e);
        }
    }

    boolean contains(byte[] ip) {
        byte[] a = ip;
        if (a.length == 16 && network.length == 4 && isMapped(a)) {
            a = java.util.Arrays.copyOfRange(a, 12, 16);
        }
        if (a.length != network.length) {
            return false;
        }
        int bits = prefix;
        for (int i = 0; i < a.length && bits > 0; i++, bits -= 8) {
            int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
            if ((a[i] & mask) != (network[i] & mask)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isMapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }
}
