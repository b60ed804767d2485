package dev.memberlist.engine.discovery;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real DNS server on 127.0.0.1 (UDP, a free port) that answers A, AAAA and SRV questions from
 * records the test sets and changes while it runs, as a Kubernetes cluster's DNS follows its
 * pods. Names it has no record of get NXDOMAIN; known names without records of the asked type
 * get an empty answer.
 */
public final class LoopbackDnsServer implements AutoCloseable {

    /** One SRV answer. */
    public record Srv(String target, int port) {}

    private static final long TTL = 5;

    private final Map<String, List<InetAddress>> addresses = new ConcurrentHashMap<>();
    private final Map<String, List<Srv>> services = new ConcurrentHashMap<>();
    private final AtomicInteger queries = new AtomicInteger();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel channel;

    public LoopbackDnsServer() throws InterruptedException {
        channel = new Bootstrap()
                .group(group)
                .channel(NioDatagramChannel.class)
                .handler(new ChannelInitializer<DatagramChannel>() {
                    @Override
                    protected void initChannel(DatagramChannel ch) {
                        ch.pipeline()
                                .addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(), new Answer());
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .sync()
                .channel();
    }

    /** Where to send queries. */
    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Questions answered so far. */
    public int queries() {
        return queries.get();
    }

    /** Sets the A and AAAA answers of a name (none: the name is unknown). */
    public void setAddresses(String name, InetAddress... ips) {
        if (ips.length == 0) {
            addresses.remove(key(name));
        } else {
            addresses.put(key(name), List.of(ips));
        }
    }

    /** Sets the SRV answers of a name (none: the name is unknown). */
    public void setServices(String name, Srv... records) {
        if (records.length == 0) {
            services.remove(key(name));
        } else {
            services.put(key(name), List.of(records));
        }
    }

    private static String key(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS);
    }

    private final class Answer extends SimpleChannelInboundHandler<DatagramDnsQuery> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
            queries.incrementAndGet();
            DnsQuestion q = query.recordAt(DnsSection.QUESTION);
            DatagramDnsResponse response = new DatagramDnsResponse(query.recipient(), query.sender(), query.id());
            response.setAuthoritativeAnswer(true);
            response.setRecursionAvailable(true);
            response.addRecord(DnsSection.QUESTION, q);
            String name = key(q.name());
            List<InetAddress> ips = addresses.get(name);
            List<Srv> srv = services.get(name);
            if (ips == null && srv == null) {
                response.setCode(DnsResponseCode.NXDOMAIN);
            } else if (q.type() == DnsRecordType.A || q.type() == DnsRecordType.AAAA) {
                Class<?> family = q.type() == DnsRecordType.A ? Inet4Address.class : Inet6Address.class;
                for (InetAddress ip : ips == null ? List.<InetAddress>of() : ips) {
                    if (family.isInstance(ip)) {
                        response.addRecord(
                                DnsSection.ANSWER,
                                new DefaultDnsRawRecord(
                                        q.name(), q.type(), TTL, Unpooled.wrappedBuffer(ip.getAddress())));
                    }
                }
            } else if (q.type() == DnsRecordType.SRV) {
                for (Srv s : srv == null ? List.<Srv>of() : srv) {
                    ByteBuf rdata = Unpooled.buffer();
                    rdata.writeShort(0).writeShort(0).writeShort(s.port());
                    for (String label : key(s.target()).split("\\.")) {
                        byte[] b = label.getBytes(StandardCharsets.US_ASCII);
                        rdata.writeByte(b.length).writeBytes(b);
                    }
                    rdata.writeByte(0);
                    response.addRecord(
                            DnsSection.ANSWER, new DefaultDnsRawRecord(q.name(), DnsRecordType.SRV, TTL, rdata));
                }
            }
            ctx.writeAndFlush(response);
        }
    }
}
