package io.ecomms.opensearchnode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.http.HttpServerTransport;
import org.opensearch.index.mapper.MapperExtrasPlugin;
import org.opensearch.index.reindex.ReindexPlugin;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * Starts one real OpenSearch node in this JVM, bound to 127.0.0.1 only.
 *
 * <p>Usage: {@code EmbeddedOpenSearch --home DIR --http-port P [--exit-with-parent]} where P
 * is a port or a range such as {@code 9250-9299}. With {@code --exit-with-parent} the node
 * closes itself when the process that started it dies (no orphaned test nodes). Prints {@code OPENSEARCH_READY http://127.0.0.1:PORT} once the
 * node serves HTTP, then runs until the process receives SIGTERM, when it closes the node.
 */
public final class EmbeddedOpenSearch {

    private static final List<Class<? extends Plugin>> PLUGINS = List.of(
        Netty4Plugin.class,
        CommonAnalysisPlugin.class,
        MapperExtrasPlugin.class,
        PainlessPlugin.class,
        ReindexPlugin.class
    );

    private EmbeddedOpenSearch() {}

    /** A node built from classpath plugins, safe to host once per JVM. */
    static final class EmbeddedNode extends Node {
        EmbeddedNode(Environment env, Collection<Class<? extends Plugin>> plugins) {
            super(env, plugins, true);
        }

        @Override
        protected void configureNodeAndClusterIdStateListener(ClusterService clusterService) {
            // The default registers a process-wide SetOnce listener; not needed here.
        }
    }

    public static void main(String[] args) {
        try {
            if (List.of(args).contains("--exit-with-parent")) {
                watchParent();
            }
            run(parse(args, "--home", null), parse(args, "--http-port", "9250-9299"));
        } catch (Throwable t) {
            t.printStackTrace();
            System.out.flush();
            System.exit(1);
        }
    }

    private static void watchParent() {
        ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
        if (parent == null) {
            return;
        }
        Thread watcher = new Thread(() -> {
            while (parent.isAlive()) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
            System.out.println("parent process gone; closing the node");
            System.exit(0);
        }, "parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    private static String parse(String[] args, String flag, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(flag)) {
                return args[i + 1];
            }
        }
        if (fallback == null) {
            throw new IllegalArgumentException("missing " + flag + " argument");
        }
        return fallback;
    }

    private static void run(String homeArg, String httpPort) throws Exception {
        Path home = Paths.get(homeArg).toAbsolutePath();
        for (String sub : List.of("config", "data", "logs", "modules", "plugins")) {
            Files.createDirectories(home.resolve(sub));
        }
        Settings settings = Settings.builder()
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            .put("cluster.name", "ecomms-test-" + ProcessHandle.current().pid())
            .put("node.name", "node-0")
            .put("discovery.type", "single-node")
            .put("network.host", "127.0.0.1")
            .put("http.port", httpPort)
            .put("transport.port", "0")
            .put("http.type", "netty4")
            .put("transport.type", "netty4")
            .put("node.portsfile", true)
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .put("indices.breaker.total.use_real_memory", false)
            .put("action.auto_create_index", true)
            .build();
        Environment env = InternalSettingsPreparer.prepareEnvironment(
            settings, Map.of(), null, () -> "node-0");
        EmbeddedNode node = new EmbeddedNode(env, PLUGINS);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> close(node, stopped), "node-close"));
        node.start();
        int port = node.injector().getInstance(HttpServerTransport.class)
            .boundAddress().publishAddress().getPort();
        System.out.println("OPENSEARCH_READY http://127.0.0.1:" + port);
        System.out.flush();
        stopped.await();
    }

    private static void close(Node node, CountDownLatch stopped) {
        try {
            node.close();
            node.awaitClose(30, TimeUnit.SECONDS);
            System.out.println("OPENSEARCH_CLOSED");
            System.out.flush();
        } catch (IOException | InterruptedException e) {
            e.printStackTrace();
        } finally {
            stopped.countDown();
        }
    }
}
