public import Hummingbird
public import JunctionCore
public import Logging
import JunctionStore

/// The request context of every hub route.
public typealias HubRequestContext = BasicRequestContext

/// Builds the hub's HTTP application: routes, middleware and background services.
///
/// The server knows no driver: drivers add their routes and services here through hooks.
public enum HubApplication {
    /// The router with the hub's own routes and middleware.
    public static func makeRouter(store: any Store) -> Router<HubRequestContext> {
        HubMetrics.bootstrap()
        let router = Router(context: HubRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: JSONErrorMiddleware())
        router.add(middleware: LogRequestsMiddleware(.info))
        router.add(middleware: MetricsMiddleware())
        HealthRoutes(store: store).register(on: router)
        MetricsRoutes().register(on: router)
        return router
    }

    /// The application of `runtime`, ready to run: the hub's routes, the admin API when an
    /// admin token is configured, and every route drivers add through `moduleLoaded`.
    public static func make(runtime: HubRuntime) async -> Application<RouterResponder<HubRequestContext>> {
        let configuration = runtime.configuration
        let router = makeRouter(store: runtime.store)
        if let token = configuration.adminToken {
            AdminRoutes(store: runtime.store, token: token).register(on: router)
        }
        _ = await runtime.hooks.run(.moduleLoaded, HTTPRoutes(router: router))
        return Application(
            router: router,
            configuration: .init(
                address: .hostname(configuration.listenHost, port: configuration.listenPort),
                serverName: "junction"
            ),
            logger: runtime.logger
        )
    }
}
