#if canImport(Glibc)
    import Glibc
#endif

/// Tells a long-running process which companies' contract directories changed since it last
/// asked, through Linux's inotify (the way git's fsmonitor avoids re-scanning a clean tree).
///
/// The kernel queues an event during the system call that changes a file, so once that call has
/// returned, the next `drain()` reports it: a caller that drains before it reads never serves a
/// file older than the last completed write. Nothing runs in the background; `drain()` reads the
/// queue without blocking. Not thread-safe: its owner serialises calls.
final class DirectoryWatcher {
    /// What changed since the last drain.
    enum Changes: Equatable {
        /// Only these companies' contract directories.
        case companies(Set<String>)
        /// Anything may have changed (a company appeared or vanished, or the event queue overflowed).
        case everything
    }

    private enum Watched {
        /// `companies/`: companies added, removed or renamed.
        case companiesDirectory
        /// `companies/<slug>/`: its `contracts` directory created, removed or renamed.
        case company(String)
        /// `companies/<slug>/contracts/`: any file in it.
        case contracts(String)
    }

    private let root: String
    private let fd: Int32
    private var watches: [Int32: Watched] = [:]
    /// Where events are read into (kept, as `drain()` runs before every read of the index).
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

    /// Nil where inotify is unavailable (another OS, or the per-user limits are reached); callers
    /// then check every file's stat data instead.
    init?(root: String) {
        #if os(Linux)
            let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
            guard fd >= 0 else { return nil }
            self.root = root
            self.fd = fd
            guard add("companies", .companiesDirectory) else {
                close(fd)
                return nil
            }
        #else
            return nil
        #endif
    }

    deinit {
        #if os(Linux)
            close(fd)
        #endif
    }

    /// Starts watching a company (its directory and its contracts directory). Call before reading
    /// the directory, so no change between the read and the watch is missed. False when the watch
    /// could not be added (the directory does not exist, or the watch limit is reached).
    @discardableResult
    func watch(company slug: String) -> Bool {
        add("companies/\(slug)", .company(slug)) && add("companies/\(slug)/contracts", .contracts(slug))
    }

    private func add(_ relative: String, _ what: Watched) -> Bool {
        #if os(Linux)
            let mask: UInt32
            switch what {
            case .contracts:
                mask = UInt32(
                    IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO
                        | IN_DELETE_SELF | IN_MOVE_SELF)
            case .company, .companiesDirectory:
                mask = UInt32(IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF)
            }
            let wd = inotify_add_watch(fd, "\(root)/\(relative)", mask | UInt32(IN_ONLYDIR))
            guard wd >= 0 else { return false }
            watches[wd] = what
            return true
        #else
            return false
        #endif
    }

    /// The changes queued since the last call, without blocking.
    func drain() -> Changes {
        #if os(Linux)
            var dirty = Set<String>()
            var everything = false
            let headerSize = MemoryLayout<inotify_event>.size
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n <= 0 { break }  // EAGAIN: the queue is empty
                var offset = 0
                buffer.withUnsafeBytes { raw in
                    while offset + headerSize <= n {
                        let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                        let nameStart = offset + headerSize
                        let nameBytes = raw[nameStart..<min(n, nameStart + Int(event.len))].prefix { $0 != 0 }
                        let name = String(decoding: nameBytes, as: UTF8.self)
                        offset = nameStart + Int(event.len)
                        if event.mask & UInt32(IN_Q_OVERFLOW) != 0 {
                            everything = true
                            continue
                        }
                        let gone = event.mask & UInt32(IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF) != 0
                        switch watches[event.wd] {
                        case .companiesDirectory:
                            everything = true
                        case let .company(slug):
                            if gone || name == "contracts" { dirty.insert(slug) }
                        case let .contracts(slug):
                            dirty.insert(slug)
                        case nil:
                            break
                        }
                        if event.mask & UInt32(IN_IGNORED) != 0 {
                            if case .companiesDirectory = watches[event.wd] { everything = true }
                            watches[event.wd] = nil
                        }
                    }
                }
            }
            if everything { return .everything }
            return .companies(dirty)
        #else
            return .everything
        #endif
    }
}
