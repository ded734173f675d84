import ArgumentParser
import JunctionServer

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the hub: HTTP server, queue workers and driver services, until SIGINT or SIGTERM."
    )

    @OptionGroup var hub: HubOptions

    @Option(help: ArgumentHelp("HOST:PORT to listen on (default 127.0.0.1:8080).", valueName: "host:port"))
    var listen: String?

    @Option(help: ArgumentHelp("The hub's public NAME[:PORT] (default localhost:<listen port>).", valueName: "name[:port]"))
    var domain: String?

    func run() async throws {
        var extra: [String: String] = [:]
        if let listen { extra["http.listen"] = listen }
        if let domain { extra["hub.domain"] = domain }
        let configuration = try await hub.loadConfiguration(extra: extra)
        let logger = CommandLogging.logger(level: configuration.logLevel)
        try await HubServer.run(configuration: configuration, drivers: Junction.drivers, logger: logger)
    }
}
