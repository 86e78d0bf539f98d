import App
import Foundation
import Matching
import NIOCore
import NIOPosix
import Vapor

/// `sinergi` — the server (`serve`) and the command line (`migrate`, `seed`, `users`, `audit`, `match`).
@main
enum Entrypoint {
    static func main() async throws {
        // Record linkage needs no database or server configuration.
        if CommandLine.arguments.count > 1 && CommandLine.arguments[1] == "match" {
            exit(await MatchCLI.main(Array(CommandLine.arguments.dropFirst(2))))
        }
        if CommandLine.arguments.count > 1 && CommandLine.arguments[1] == "bench-jw" {
            exit(KernelBench.main(Array(CommandLine.arguments.dropFirst(2))))
        }
        var env = try Environment.detect()
        var config: AppConfig
        do {
            config = try AppConfig.fromEnvironment()
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            exit(2)
        }
        // The server runs Swift's tasks on its HTTP event loops: a handler and the database answers it awaits continue
        // on the thread that read the request instead of hopping to Swift's own pool and back (half the thread switches
        // per look-up, docs/performance.md); long work runs on `ComputeExecutor`. Before anything awaits: NIO requires it.
        let serving = [nil, "serve"].contains(env.arguments.dropFirst().first)
        // Only the server makes the key file: another command (run from a shell, on a backup's copy, as another user)
        // would make a key of its own where none belongs.
        config.makesKeyFile = serving
        if config.eventLoopTasks, serving {
            _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        }
        if config.jsonLogs {
            let level = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
            LoggingSystem.bootstrap { JSONLogHandler(label: $0, level: level) }
        } else {
            try LoggingSystem.bootstrap(from: &env)
        }
        let app = try await Application.make(env)
        do {
            try await configure(app, config: config)
            try await app.execute()
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data("error: \(failure.message)\n".utf8))
            try? await app.asyncShutdown()
            exit(1)
        } catch {
            app.logger.report(error: error)
            try? await app.asyncShutdown()
            exit(1)
        }
        try await app.asyncShutdown()
    }
}
