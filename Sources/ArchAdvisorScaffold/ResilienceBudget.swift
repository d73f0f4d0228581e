/// The timeouts and retries of one project, computed once here and rendered into the app's
/// own deadlines, the mesh's routes and the front door, so that they agree:
///
/// - a call between deployables is tried at most `retries + 1` times, each try within
///   `perTry`, and every try fits in the route's timeout;
/// - retries happen at one layer only (the mesh's route, for idempotent calls: GET and the
///   read RPCs; other calls only on a failed connection), never at the front door or in the
///   app;
/// - the aggregator's deadline for one part is longer than that part's route timeout, so a
///   retried part still counts; the entry's route timeout is longer than the fan-out
///   deadline it protects, so a slow part gives the degraded 200 rather than a 504; the
///   front door's timeout is longer than the entry's.
struct ResilienceBudget: Equatable, Sendable {
    /// One try of a call inside the cluster.
    var perTryMilliseconds = 300
    /// Retries of an idempotent call (one: two tries).
    var retries = 1
    /// Room for the connection and the answer on top of the tries.
    var slackMilliseconds = 100
    /// Whether the entry fans out to the services (the aggregation layer).
    var fansOut: Bool

    /// A service's route timeout: every try fits in it.
    var serviceRouteMilliseconds: Int { (retries + 1) * perTryMilliseconds + slackMilliseconds }
    /// The aggregator's deadline for one part (`PART_TIMEOUT_MS`): longer than the part's route.
    var partMilliseconds: Int { serviceRouteMilliseconds + slackMilliseconds }
    /// The entry's route timeout: longer than the fan-out deadline it protects (the parts
    /// are fetched in parallel, then merged).
    var entryRouteMilliseconds: Int { fansOut ? partMilliseconds + 4 * slackMilliseconds : serviceRouteMilliseconds }
    /// The front door (the Gateway API HTTPRoute): no retries, longer than the entry's route.
    var gatewayMilliseconds: Int { entryRouteMilliseconds + 8 * slackMilliseconds }

    /// The values templates see.
    var context: [String: Any] {
        [
            "perTryTimeout": "\(perTryMilliseconds)ms",
            "retryAttempts": retries,
            "serviceRouteTimeout": "\(serviceRouteMilliseconds)ms",
            "partTimeoutMilliseconds": partMilliseconds,
            "entryRouteTimeout": "\(entryRouteMilliseconds)ms",
            "gatewayTimeout": "\(gatewayMilliseconds)ms",
        ]
    }
}
