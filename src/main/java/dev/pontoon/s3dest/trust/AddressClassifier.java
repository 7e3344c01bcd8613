package dev.pontoon.s3dest.trust;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Tells which addresses and host names are not the public internet: what an endpoint from an event may never lead
 * to unless the operator allowed it (SPEC §12). IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64,
 * 6to4) are judged by that address.
 */
public final class AddressClassifier {
    private AddressClassifier() {}

    /** Names of cloud metadata services, and the suffixes of names that only an internal resolver answers. */
    private static final Set<String> METADATA_NAMES = Set.of(
            "metadata", "metadata.google.internal", "instance-data", "metadata.azure.com", "metadata.tencentyun.com");

    private static final Set<String> INTERNAL_SUFFIXES = Set.of(".internal", ".localhost", ".local", ".localdomain");

    /** A last label of digits or a hex number: the host is meant as an IPv4 address, however it is spelt. */
    private static final Pattern NUMERIC_LABEL = Pattern.compile("(0x[0-9a-f]*|[0-9]+)");

    private static final Pattern CANONICAL_IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");

    /**
     * Why a host name (as written in a URL, before any lookup) is refused: a metadata or internal name, or an IPv4
     * address in a spelling other than four decimal parts ({@code 0x7f.1}, {@code 2130706433}, {@code 0177.0.0.1}),
     * which resolvers read differently. Empty when the name itself is fine; its addresses are judged after lookup.
     */
    public static Optional<String> refusedName(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (h.startsWith("[")) {
            return Optional.empty(); // an IPv6 literal: judged by its address
        }
        if (h.equals("localhost") || METADATA_NAMES.contains(h)) {
            return Optional.of("a local or metadata host name");
        }
        for (String suffix : INTERNAL_SUFFIXES) {
            if (h.endsWith(suffix)) {
                return Optional.of("an internal host name (" + suffix + ")");
            }
        }
        String last = h.substring(h.lastIndexOf('.') + 1);
        if (NUMERIC_LABEL.matcher(last).matches() && !CANONICAL_IPV4.matcher(h).matches()) {
            return Optional.of("an IP address in a non-standard spelling");
        }
        return Optional.empty();
    }

    /** What kind of non-public address this is (e.g. "loopback"), or empty for a public unicast address. */
    public static Optional<String> internalKind(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            Inet4Address embedded = embeddedIpv4(b);
            if (embedded != null) {
                return internalKind(embedded);
            }
            if (v6.isLoopbackAddress()) {
                return Optional.of("loopback");
            }
            if (v6.isAnyLocalAddress()) {
                return Optional.of("unspecified");
            }
            if (v6.isLinkLocalAddress() || (b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0xc0) {
                return Optional.of("link-local"); // fe80::/10, and the deprecated site-local fec0::/10
            }
            if ((b[0] & 0xfe) == 0xfc) {
                return Optional.of("unique-local"); // fc00::/7, which holds AWS's fd00:ec2::254
            }
            if (v6.isMulticastAddress()) {
                return Optional.of("multicast");
            }
            if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
                return Optional.of("documentation"); // 2001:db8::/32
            }
            if ((b[0] & 0xff) == 0x01 && (b[1] | b[2] | b[3] | b[4] | b[5] | b[6] | b[7]) == 0) {
                return Optional.of("discard-only"); // 100::/64
            }
            return Optional.empty();
        }
        byte[] b = address.getAddress();
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
        if (a0 == 127) {
            return Optional.of("loopback");
        }
        if (a0 == 0) {
            return Optional.of("unspecified"); // 0.0.0.0/8, "this network"
        }
        if (a0 == 169 && a1 == 254) {
            return Optional.of("link-local"); // holds the instance metadata service, 169.254.169.254
        }
        if (a0 == 10 || a0 == 172 && (a1 & 0xf0) == 16 || a0 == 192 && a1 == 168) {
            return Optional.of("private");
        }
        if (a0 == 100 && (a1 & 0xc0) == 64) {
            return Optional.of("CGNAT"); // 100.64.0.0/10
        }
        if (a0 == 192 && a1 == 0 && (b[2] & 0xff) == 0) {
            return Optional.of("reserved"); // 192.0.0.0/24, IETF protocol assignments (AWS's 192.0.0.192 DNS)
        }
        if (a0 == 198 && (a1 & 0xfe) == 18) {
            return Optional.of("reserved"); // 198.18.0.0/15, benchmarking
        }
        if (a0 >= 224 && a0 <= 239) {
            return Optional.of("multicast");
        }
        if (a0 >= 240) {
            return Optional.of("reserved"); // 240.0.0.0/4 and the broadcast address
        }
        return Optional.empty();
    }

    /** The IPv4 address an IPv6 address carries: ::ffff:a.b.c.d, ::a.b.c.d, 64:ff9b::a.b.c.d, 2002:aabb:ccdd::. */
    private static Inet4Address embeddedIpv4(byte[] b) {
        boolean firstTenZero = true;
        for (int i = 0; i < 10; i++) {
            firstTenZero &= b[i] == 0;
        }
        int at = -1;
        if (firstTenZero && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            at = 12; // IPv4-mapped
        } else if (firstTenZero && b[10] == 0 && b[11] == 0 && (b[12] | b[13] | b[14]) != 0) {
            at = 12; // IPv4-compatible (deprecated), but not :: or ::1
        } else if ((b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
            at = 12; // NAT64 well-known prefix 64:ff9b::/96
        } else if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
            at = 2; // 6to4
        }
        if (at < 0) {
            return null;
        }
        try {
            return (Inet4Address) InetAddress.getByAddress(new byte[] {b[at], b[at + 1], b[at + 2], b[at + 3]});
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }
}
