public import Hummingbird
public import JunctionCore

/// `moduleLoaded`: the hub's router, for drivers to add their HTTP routes (receive endpoints,
/// discovery documents, feeds) when the server starts.
///
/// ```swift
/// registration.hooks.register(.moduleLoaded, name: "example") { routes in
///     routes.router.post("/example/inbox") { request, context in … }
/// }
/// ```
public struct HTTPRoutes: @unchecked Sendable {
    // The router is only touched while the server starts, one handler at a time, before it serves.
    public let router: Router<HubRequestContext>

    public init(router: Router<HubRequestContext>) { self.router = router }
}

extension HookPoint where Payload == HTTPRoutes {
    /// Once at start-up with the hub's router: drivers register their routes.
    public static var moduleLoaded: Self { .init("moduleLoaded") }
}
