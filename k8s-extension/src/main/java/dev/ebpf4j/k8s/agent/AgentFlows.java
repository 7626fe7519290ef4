package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.k8s.lb.LbObject;
import dev.ebpf4j.k8s.observe.DatapathObserver;
import dev.ebpf4j.k8s.observe.EndpointResolver;
import dev.ebpf4j.k8s.observe.FlowStreamServer;

import java.net.InetSocketAddress;

/**
 * The agent's flows: an observer over its load balancer's flow ring (socket and NodePort translations), TCP
 * lifecycle events and HTTP/DNS on its NodePort devices, with pods named from the API server, served by a
 * {@link FlowStreamServer} for {@code observe --cluster}.
 */
final class AgentFlows implements AutoCloseable {
    private final AutoCloseable resolver;
    private final DatapathObserver observer;
    private final FlowStreamServer server;

    private AgentFlows(AutoCloseable resolver, DatapathObserver observer, FlowStreamServer server) {
        this.resolver = resolver;
        this.observer = observer;
        this.server = server;
    }

    /** Starts observing {@code agent}'s datapath and serving it as {@code options} say. */
    static AgentFlows start(Agent agent, AgentOptions options) {
        PodResolver pods = options.kubernetes() ? PodResolver.connect() : null;
        DatapathObserver observer = null;
        try {
            observer = DatapathObserver.builder().resolver(pods == null ? EndpointResolver.none() : pods).start();
            observer.addRing(agent.object().map(LbObject.EVENTS_MAP), agent.object().map(LbObject.EVENTS_LOST_MAP));
            for (String device : options.nodePort().devices()) observer.attachL7(device);
            FlowStreamServer server = FlowStreamServer.start(observer, options.node(),
                    new InetSocketAddress(options.flows().address(), options.flows().port()));
            System.out.println("flows on " + server.address());
            return new AgentFlows(pods, observer, server);
        } catch (RuntimeException | Error e) {
            if (observer != null) observer.close();
            if (pods != null) pods.close();
            throw e;
        }
    }

    /** Stops serving and observing. */
    @Override
    public void close() throws Exception {
        try (resolver; observer) {
            server.close();
        }
    }
}
