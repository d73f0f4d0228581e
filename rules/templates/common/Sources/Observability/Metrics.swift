import Hummingbird
import Metrics
import Prometheus

/// Metrics in the Prometheus text format, from every swift-metrics counter, timer and
/// gauge of the process: Hummingbird's `MetricsMiddleware` (requests, durations, errors
/// per route), this project's own counters, and those of libraries (postgres-nio).
public enum ServiceMetrics {
    /// Sends every swift-metrics metric to `registry`. Call once, first thing in `main`;
    /// without it (in tests) metrics go nowhere.
    public static func bootstrap(_ registry: PrometheusCollectorRegistry) {
        var factory = PrometheusMetricsFactory(registry: registry)
        // Prometheus names allow [a-zA-Z0-9_:]; swift-metrics labels often use dots.
        factory.nameAndLabelSanitizer = { name, labels in
            (name.replacingOccurrences(of: ".", with: "_"), labels.map { ($0.replacingOccurrences(of: ".", with: "_"), $1) })
        }
        MetricsSystem.bootstrap(factory)
    }

    /// Adds `GET /metrics` (the Prometheus text exposition format) to `router`.
    public static func addRoute<Context: RequestContext>(to router: Router<Context>, registry: PrometheusCollectorRegistry) {
        router.get("/metrics") { _, _ -> Response in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer()))
            )
        }
    }
}
