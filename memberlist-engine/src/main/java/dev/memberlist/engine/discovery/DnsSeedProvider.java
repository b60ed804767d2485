package dev.memberlist.engine.discovery;

import dev.memberlist.engine.transport.net.SharedEventLoopGroup;
import io.netty.buffer.ByteBuf;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRecordDecoder;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.resolver.ResolvedAddressTypes;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.NoopAuthoritativeDnsServerCache;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.resolver.dns.NoopDnsCnameCache;
import io.netty.resolver.dns.SequentialDnsServerAddressStreamProvider;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seeds from a list of {@code host:port} entries, DNS names and {@code dns+srv://} names, looked
 * up afresh every time they are asked for.
 *
 * <ul>
 *   <li>{@code 10.0.0.5:7946}, {@code [fd00::5]:7946}, {@code 10.0.0.5}: an address (the port
 *       defaults to the one given to the constructor, the node's bind port).
 *   <li>{@code memberlist.default.svc.cluster.local:7946}, {@code seeds.example.com}: every A and
 *       AAAA answer for the name, each with that port: a Kubernetes headless Service lists every
 *       pod.
 *   <li>{@code dns+srv://_memberlist._tcp.memberlist.default.svc.cluster.local}: every SRV answer
 *       for the name, each target's A and AAAA answers with the SRV record's port: nodes on
 *       different ports behind one name.
 * </ul>
 *
 * <p>Lookups go through Netty's asynchronous resolver with every cache switched off: the JVM's
 * resolver caches answers (forever under a security manager, 30 s by default) and blocks a
 * thread, while a restarted cluster must be found at the addresses it has now. The name servers
 * are the system's ({@code /etc/resolv.conf}) unless given; {@code /etc/hosts} is read as well.
 */
public final class DnsSeedProvider implements SeedProvider, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DnsSeedProvider.class);

    /** The prefix of an SRV seed. */
    public static final String SRV_PREFIX = "dns+srv://";

    private final List<Spec> specs;

    /** Null when every seed is an address. */
    private final DnsNameResolver resolver;

    /**
     * Seeds looked up through the system's name servers, 5 s a query at most.
     *
     * @param seeds the entries, see the class comment
     * @param defaultPort the port of an entry that names none
     * @throws IllegalArgumentException naming an entry that is none of the forms above
     */
    public DnsSeedProvider(List<String> seeds, int defaultPort) {
        this(seeds, defaultPort, List.of(), Duration.ofSeconds(5));
    }

    /**
     * Seeds looked up through the given name servers.
     *
     * @param seeds the entries, see the class comment
     * @param defaultPort the port of an entry that names none
     * @param nameServers the name servers to ask, in order; empty for the system's
     * @param queryTimeout how long one query may take
     * @throws IllegalArgumentException naming an entry that is none of the forms above
     */
    public DnsSeedProvider(
            List<String> seeds, int defaultPort, List<InetSocketAddress> nameServers, Duration queryTimeout) {
        if (defaultPort < 0 || defaultPort > 65535) {
            throw new IllegalArgumentException("default port must be between 0 and 65535, got " + defaultPort);
        }
        this.specs = seeds.stream().map(s -> Spec.parse(s, defaultPort)).toList();
        // literal seeds alone need no resolver, and so no socket of its own
        this.resolver = specs.stream().allMatch(spec -> spec.literal != null)
                ? null
                : new DnsNameResolverBuilder(SharedEventLoopGroup.get().next())
                        .datagramChannelType(NioDatagramChannel.class)
                        .nameServerProvider(
                                nameServers.isEmpty()
                                        ? DnsServerAddressStreamProviders.platformDefault()
                                        : new SequentialDnsServerAddressStreamProvider(nameServers))
                        .resolveCache(NoopDnsCache.INSTANCE)
                        .cnameCache(NoopDnsCnameCache.INSTANCE)
                        .authoritativeDnsServerCache(NoopAuthoritativeDnsServerCache.INSTANCE)
                        .resolvedAddressTypes(ResolvedAddressTypes.IPV4_PREFERRED)
                        .queryTimeoutMillis(Math.max(1, queryTimeout.toMillis()))
                        .build();
    }

    /**
     * Checks one entry without looking anything up.
     *
     * @param seed an entry, see the class comment
     * @throws IllegalArgumentException naming the entry and the forms allowed
     */
    public static void validate(String seed) {
        Spec.parse(seed, 7946);
    }

    @Override
    public CompletableFuture<List<InetSocketAddress>> seeds() {
        List<CompletableFuture<List<InetSocketAddress>>> lookups =
                specs.stream().map(this::lookUp).toList();
        return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new))
                .handle((v, e) -> {
                    Set<InetSocketAddress> found = new LinkedHashSet<>();
                    List<String> errors = new ArrayList<>();
                    for (int i = 0; i < lookups.size(); i++) {
                        try {
                            found.addAll(lookups.get(i).join());
                        } catch (RuntimeException failed) {
                            Throwable cause = failed.getCause() != null ? failed.getCause() : failed;
                            errors.add(specs.get(i).text + ": " + cause.getMessage());
                        }
                    }
                    if (!errors.isEmpty()) {
                        log.warn("seeds not found: {}", String.join("; ", errors));
                    }
                    if (found.isEmpty() && !errors.isEmpty()) {
                        throw new java.util.concurrent.CompletionException(
                                new UnknownHostException("no seed found: " + String.join("; ", errors)));
                    }
                    return List.copyOf(found);
                });
    }

    private CompletableFuture<List<InetSocketAddress>> lookUp(Spec spec) {
        if (spec.literal != null) {
            return CompletableFuture.completedFuture(List.of(spec.literal));
        }
        if (!spec.srv) {
            return addresses(spec.host, spec.port);
        }
        return adapt(resolver.resolveAll(new DefaultDnsQuestion(spec.host, DnsRecordType.SRV)), records -> {
                    List<SrvTarget> targets = new ArrayList<>();
                    try {
                        for (DnsRecord r : records) {
                            if (r.type() == DnsRecordType.SRV && r instanceof DnsRawRecord raw) {
                                targets.add(SrvTarget.decode(raw.content()));
                            }
                        }
                    } finally {
                        records.forEach(ReferenceCountUtil::release);
                    }
                    return targets;
                })
                .thenCompose(targets -> {
                    List<CompletableFuture<List<InetSocketAddress>>> each =
                            targets.stream().map(t -> addresses(t.host, t.port)).toList();
                    return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
                            .handle((v, e) -> {
                                List<InetSocketAddress> all = new ArrayList<>();
                                for (var f : each) {
                                    if (!f.isCompletedExceptionally()) {
                                        all.addAll(f.join());
                                    }
                                }
                                if (all.isEmpty() && !targets.isEmpty()) {
                                    throw new java.util.concurrent.CompletionException(
                                            new UnknownHostException("no address for the SRV targets of " + spec.host));
                                }
                                return all;
                            });
                });
    }

    private CompletableFuture<List<InetSocketAddress>> addresses(String host, int port) {
        return adapt(
                resolver.resolveAll(host),
                ips -> ips.stream().map(ip -> new InetSocketAddress(ip, port)).toList());
    }

    private static <T, R> CompletableFuture<R> adapt(Future<T> f, Function<T, R> then) {
        CompletableFuture<R> result = new CompletableFuture<>();
        f.addListener(done -> {
            if (done.isSuccess()) {
                try {
                    @SuppressWarnings("unchecked")
                    T value = (T) done.getNow();
                    result.complete(then.apply(value));
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            } else {
                result.completeExceptionally(done.cause());
            }
        });
        return result;
    }

    /** Stops the resolver's socket; asking for seeds afterwards fails. */
    @Override
    public void close() {
        if (resolver != null) {
            resolver.close();
        }
    }

    @Override
    public String toString() {
        return "DnsSeedProvider" + specs.stream().map(s -> s.text).toList();
    }

    /** One entry: an address, a name to look up A/AAAA records of, or an SRV name. */
    private record Spec(String text, InetSocketAddress literal, String host, int port, boolean srv) {

        static Spec parse(String text, int defaultPort) {
            String s = text == null ? "" : text.trim();
            if (s.regionMatches(true, 0, SRV_PREFIX, 0, SRV_PREFIX.length())) {
                String name = s.substring(SRV_PREFIX.length());
                if (name.isEmpty() || name.contains("/") || name.contains(":")) {
                    throw invalid(
                            text, "an SRV seed is dns+srv:// and a name, like dns+srv://_memberlist._tcp.example.com");
                }
                return new Spec(text, null, name, 0, true);
            }
            if (s.isEmpty() || s.contains("/") || s.contains(" ")) {
                throw invalid(text, "a seed is host:port, host, [ipv6]:port or dns+srv://name");
            }
            String host = s;
            int port = defaultPort;
            if (s.startsWith("[")) {
                int close = s.indexOf(']');
                if (close < 0) {
                    throw invalid(text, "an IPv6 address in brackets needs its closing ]");
                }
                host = s.substring(1, close);
                if (close + 1 < s.length()) {
                    if (s.charAt(close + 1) != ':') {
                        throw invalid(text, "after [ipv6] comes :port");
                    }
                    port = port(text, s.substring(close + 2));
                }
            } else if (s.chars().filter(c -> c == ':').count() == 1) {
                host = s.substring(0, s.indexOf(':'));
                port = port(text, s.substring(s.indexOf(':') + 1));
            }
            if (isIpLiteral(host)) {
                try {
                    // a literal is parsed, never looked up
                    return new Spec(text, new InetSocketAddress(InetAddress.getByName(host), port), host, port, false);
                } catch (UnknownHostException e) {
                    throw invalid(text, e.getMessage());
                }
            }
            return new Spec(text, null, host.toLowerCase(Locale.ROOT), port, false);
        }

        private static int port(String text, String p) {
            try {
                int port = Integer.parseInt(p);
                if (port >= 1 && port <= 65535) {
                    return port;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw invalid(text, "the port must be between 1 and 65535");
        }

        private static boolean isIpLiteral(String host) {
            return host.contains(":") || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        }

        private static IllegalArgumentException invalid(String text, String why) {
            return new IllegalArgumentException("invalid seed '" + text + "': " + why);
        }
    }

    /** An SRV record's target and port (RFC 2782: priority, weight, port, target). */
    private record SrvTarget(String host, int port) {

        static SrvTarget decode(ByteBuf rdata) {
            ByteBuf in = rdata.duplicate();
            in.skipBytes(4); // priority and weight: every target is tried
            int port = in.readUnsignedShort();
            String target = DefaultDnsRecordDecoder.decodeName(in);
            return new SrvTarget(target.endsWith(".") ? target.substring(0, target.length() - 1) : target, port);
        }
    }
}
