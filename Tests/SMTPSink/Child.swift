import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process for the tests, started with `posix_spawnp`.
///
/// Foundation's `Process.run()` on Linux lists `/proc/self/fd` to close the child's descriptors and copies each entry's
/// whole 256-byte name, reading past glibc's buffer now and then: the test process crashed with signal 11 in CI
/// (swift-corelibs-foundation #5472, fixed after the toolchain this project builds with). The more descriptors a
/// process holds (a test suite with many databases open), the likelier. The tests start their children here instead:
/// `python3` (the SMTP sink, a .zip writer) and `psql`.
public final class Child: @unchecked Sendable {
    public let pid: pid_t
    /// The write end of the child's standard input, when asked for.
    public private(set) var input: Int32?
    /// The read end of the child's standard output, when asked for.
    public let output: Int32?
    private var status: Int32?
    private let lock = NSLock()

    public struct Failed: Error, CustomStringConvertible { public let description: String }

    /// Starts `arguments[0]` (looked up on PATH) with the rest as its arguments and this process's environment.
    public init(_ arguments: [String], pipeInput: Bool = false, pipeOutput: Bool = false) throws {
        precondition(!arguments.isEmpty)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Pipes made close-on-exec: only the ends put on 0 and 1 reach the child (dup2 clears the flag).
        func cloexecPipe() throws -> [Int32] {
            var fds: [Int32] = [-1, -1]
            guard pipe(&fds) == 0 else { throw Failed(description: "pipe: errno \(errno)") }
            for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            return fds
        }
        var inFDs: [Int32] = [-1, -1], outFDs: [Int32] = [-1, -1]
        if pipeInput {
            inFDs = try cloexecPipe()
            posix_spawn_file_actions_adddup2(&actions, inFDs[0], 0)
        }
        if pipeOutput {
            outFDs = try cloexecPipe()
            posix_spawn_file_actions_adddup2(&actions, outFDs[1], 1)
        }
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var child: pid_t = 0
        let rc = posix_spawnp(&child, argv[0]!, &actions, nil, argv, environ)
        if pipeInput { close(inFDs[0]) }
        if pipeOutput { close(outFDs[1]) }
        guard rc == 0 else {
            if pipeInput { close(inFDs[1]) }
            if pipeOutput { close(outFDs[0]) }
            throw Failed(description: "cannot start \(arguments[0]): \(String(cString: strerror(rc)))")
        }
        pid = child
        input = pipeInput ? inFDs[1] : nil
        output = pipeOutput ? outFDs[0] : nil
    }

    /// Runs a command to its end; its exit status (128 + the signal when one ended it).
    @discardableResult
    public static func run(_ arguments: [String]) throws -> Int32 {
        try Child(arguments).wait()
    }

    /// Closes the child's standard input (it reads the end of it).
    public func closeInput() {
        lock.lock(); defer { lock.unlock() }
        if let fd = input { close(fd); input = nil }
    }

    /// Whether it still runs (reaping it when it has ended).
    public var isRunning: Bool {
        lock.lock(); defer { lock.unlock() }
        return reap(WNOHANG) == nil
    }

    /// Waits for its end; its exit status.
    @discardableResult
    public func wait() -> Int32 {
        lock.lock(); defer { lock.unlock() }
        while true {
            if let s = reap(0) { return s }
        }
    }

    public func signal(_ s: Int32) { kill(pid, s) }

    /// Must hold `lock`. The status once the child has ended, nil while it runs.
    private func reap(_ options: Int32) -> Int32? {
        if let status { return status }
        var raw: Int32 = 0
        let r = waitpid(pid, &raw, options)
        if r == 0 { return nil }                                  // still running (WNOHANG)
        if r < 0 && errno == EINTR { return nil }
        let low = raw & 0x7f
        status = r < 0 ? -1 : (low == 0 ? (raw >> 8) & 0xff : 128 + low)
        return status
    }

    deinit {
        if let fd = input { close(fd) }
        if let fd = output { close(fd) }
    }
}
