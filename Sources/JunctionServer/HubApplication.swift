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

    /// The application for `configuration`, ready to run.
    public static func make(
        configuration: HubConfiguration,
        store: any Store,
        logger: Logger
    ) -> Application<RouterResponder<HubRequestContext>> {
        Application(
            router: makeRouter(store: store),
            configuration: .init(
                address: .hostname(configuration.listenHost, port: configuration.listenPort),
                serverName: "junction"
            ),
            logger: logger
        )
    }
}
