import Foundation
import PactoriaTestSupport
import Testing

/// `pactoria report --html` end to end, and the page in a real browser: Debian's chromium
/// (installed by `scripts/setup.sh`) renders it headless to PNG and PDF, and dumps its DOM. No
/// console message, a drawn mark in every chart, a PNG that is not blank, a PDF with pages.
///
/// Without chromium the browser test fails, saying so; `PACTORIA_SKIP_BROWSER=1` skips it (and
/// only it) on a machine that cannot have one.
@Suite("Report browser")
struct ReportBrowserTests {
    static let now = "2026-12-01T12:00:00Z"
    static let hostileTitle = "</script><script>alert(1)</script>\"><svg onload=alert(2)> Website Redesign"

    struct Failure: Error, CustomStringConvertible { var description: String }

    static func chromium() throws -> String {
        for p in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        where FileManager.default.isExecutableFile(atPath: p) {
            return p
        }
        throw Failure(
            description:
                "chromium is not installed: scripts/setup.sh installs it (apt-get install chromium); PACTORIA_SKIP_BROWSER=1 skips this test"
        )
    }

    /// The demo workspace with analyses recorded on three contracts and a hostile title on an
    /// active one, committed with plain git; then the report written with today pinned.
    static func workspace(_ sb: E2E.Sandbox) throws {
        try LC.adopt(sb)
        let scores: [(String, String, Int)] = [
            (LC.activeWebsite, "0.82", 3), (LC.activeLease, "0.64", 6), (LC.pendingFlour, "0.41", 8),
        ]
        for (ref, overall, risk) in scores {
            var yaml = try sb.read("demo/" + LC.yaml(ref))
            if ref == LC.activeWebsite {
                yaml = yaml.replacingOccurrences(
                    of: "title: Website Redesign Services Agreement",
                    with: "title: '\(hostileTitle)'")
            }
            yaml += """
                compliance:
                  overall_score: \(overall)
                  scores:
                    gdpr: 0.9
                    employment_law: 0.55
                    consumer_rights: 0.7
                    commercial_terms: 0.85
                  risk_score: \(risk)
                  analyzed_at: '2026-11-20T10:00:00Z'

                """
            try sb.write(yaml, to: "demo/" + LC.yaml(ref))
        }
        try LC.plainCommit(sb, "Analyses and a hostile title")
    }

    /// Today pinned, but never before the day the workspace's commits were made (they are made
    /// now, by the real clock): the monthly chart counts the history up to today.
    static func env() -> [String: String?] {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        let committed = formatter.string(from: Date())
        return ["PACTORIA_TODAY": max(LC.today, committed), "PACTORIA_NOW": now]
    }

    @Test("report --html writes one file atomically, - prints the same page; bad options exit 64")
    func cli() throws {
        try E2E.withSandbox { sb in
            try Self.workspace(sb)
            let r = try sb.pactoria(["report", "--html", "report.html"], in: "demo", env: Self.env())
            #expect(r.exitCode == 0, "\(r)")
            #expect(r.stdout.isEmpty && r.stderr.isEmpty, "\(r)")
            let page = try sb.read("demo/report.html")
            let out = try sb.pactoria(["report", "--html", "-"], in: "demo", env: Self.env())
            #expect(out.exitCode == 0)
            #expect(out.stdout == page)
            #expect(page.contains("Contract report: all companies"))
            #expect(page.contains("Today \(Self.env()["PACTORIA_TODAY"]!!) · generated \(Self.now)"))
            #expect(!page.contains("<script"))
            // Nothing else left behind in the working tree (the write was a rename).
            let status = try sb.git(["status", "--porcelain", "--untracked-files=all"], in: "demo").stdout
            #expect(status == "?? report.html\n", "\(status)")
            // One company, as of a date: that company's contracts only.
            let brick = try sb.pactoria(
                ["report", "--html", "-", "--company", "brickline-digital", "--as-of", "2099-12-31"], in: "demo",
                env: Self.env())
            #expect(brick.exitCode == 0, "\(brick)")
            #expect(brick.stdout.contains("Contract report: brickline-digital"))
            #expect(brick.stdout.contains("As of 2099-12-31 (commit "))
            #expect(!brick.stdout.contains("Lease of Unit 4"))
            let bad = try sb.pactoria(
                ["report", "--html", "x.html", "--as-of", "2026-13-01"], in: "demo", env: Self.env())
            #expect(bad.exitCode == 64, "\(bad)")
            #expect(bad.stderr.contains("--as-of"))
            let none = try sb.pactoria(
                ["report", "--html", "x.html", "--company", "nope"], in: "demo", env: Self.env())
            #expect(none.exitCode == 1, "\(none)")
            #expect(!sb.exists("demo/x.html"))
        }
    }

    @Test(
        "chromium renders the report: no console message, marks in every chart, a PNG and an A4 PDF",
        .disabled(
            if: ProcessInfo.processInfo.environment["PACTORIA_SKIP_BROWSER"] == "1", "PACTORIA_SKIP_BROWSER=1 is set"))
    func browser() throws {
        let chromium = try Self.chromium()
        try E2E.withSandbox { sb in
            try Self.workspace(sb)
            let r = try sb.pactoria(["report", "--html", sb.path("report.html")], in: "demo", env: Self.env())
            try #require(r.exitCode == 0, "\(r)")
            let url = URL(fileURLWithPath: sb.path("report.html")).absoluteString
            var runs = 0
            func run(_ args: [String]) throws -> (stdout: [UInt8], stderr: String) {
                runs += 1
                let flags = [
                    "--no-sandbox", "--headless=new", "--disable-gpu", "--disable-dev-shm-usage",
                    "--user-data-dir=\(sb.path("chromium-\(runs)"))", "--enable-logging=stderr", "--v=0",
                    "--no-first-run", "--hide-scrollbars", "--window-size=794,1123",
                ]
                let env = [
                    "HOME": sb.home.path, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                ]
                let done = try Spawn.capture(
                    chromium, flags + args + [url], directory: sb.path(), environment: env, timeout: .seconds(120))
                #expect(done.status == 0, "chromium \(args): exit \(done.status)\n\(done.stderr)")
                // Any console line (a CSP violation, a script error, a failed load) fails the test.
                let console = done.stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") }
                #expect(console.isEmpty, "console messages:\n\(console.joined(separator: "\n"))")
                return (done.stdout, done.stderr)
            }

            // The DOM as the browser built it: every chart has drawn marks of non-zero size.
            let dom = String(decoding: try run(["--dump-dom"]).stdout, as: UTF8.self)
            let charts = Self.charts(dom)
            let names = charts.map(\.name)
            for expected in ["value-by-status-GBP", "monthly", "compliance-by-area", "risk-histogram", "timeline"] {
                #expect(names.contains(expected), "\(names)")
            }
            for chart in charts {
                #expect(chart.marks > 0, "chart \(chart.name) has no drawn marks")
                #expect(!chart.text.contains("No data"), "chart \(chart.name) says No data")
            }
            #expect(!dom.contains("<script"))
            #expect(
                dom.contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;\"&gt;&lt;svg onload=alert(2)&gt;"))

            // The screenshot: an A4-wide page that is not one colour.
            let png = sb.path("report.png")
            _ = try run(["--screenshot=\(png)"])
            let pixels = try Self.pngStats(png)
            #expect(pixels.width == 794 && pixels.height == 1123, "\(pixels)")
            #expect(pixels.colours > 8, "\(pixels)")
            #expect(pixels.nonWhite > 0.01, "\(pixels)")

            // The PDF: a PDF, with a page per section.
            let pdf = sb.path("report.pdf")
            _ = try run(["--print-to-pdf=\(pdf)", "--no-pdf-header-footer"])
            let bytes = try Data(contentsOf: URL(fileURLWithPath: pdf))
            #expect(bytes.starts(with: Array("%PDF-".utf8)))
            let text = String(decoding: bytes, as: UTF8.self)
            let pages =
                text.components(separatedBy: "/Type /Page").count - 1
                - (text.components(separatedBy: "/Type /Pages").count - 1)
            #expect(pages >= 6, "\(pages) pages")
            // A4 (595 × 842 points) on every page.
            let boxes = text.components(separatedBy: "/MediaBox [").dropFirst().map {
                $0.prefix { $0 != "]" }.split(separator: " ").compactMap { Double($0) }
            }
            #expect(boxes.count == pages)
            for box in boxes {
                #expect(box.count == 4 && abs(box[2] - 595.3) < 1 && abs(box[3] - 841.9) < 1, "\(box)")
            }
        }
    }

    /// Each `<svg … data-chart="name">` of a DOM and how many of its marks have a size: a
    /// `rect` with width and height above 0, a `circle` with r above 0, a `path` with a `d`.
    static func charts(_ dom: String) -> [(name: String, marks: Int, text: String)] {
        dom.components(separatedBy: "<svg ").dropFirst().compactMap { piece in
            let body = piece.components(separatedBy: "</svg>").first ?? ""
            guard let name = attribute("data-chart", in: body) else { return nil }
            var marks = 0
            for element in body.components(separatedBy: "<").dropFirst() {
                let tag = String(element.prefix { $0 != ">" })
                func number(_ a: String) -> Double { attribute(a, in: tag).flatMap(Double.init) ?? 0 }
                if tag.hasPrefix("rect "), tag.contains("class=\"mark\""), number("width") > 0, number("height") > 0 {
                    marks += 1
                } else if tag.hasPrefix("circle "), tag.contains("class=\"mark\""), number("r") > 0 {
                    marks += 1
                } else if tag.hasPrefix("path "), tag.contains("class=\"mark\""),
                    attribute("d", in: tag)?.isEmpty == false
                {
                    marks += 1
                }
            }
            return (name, marks, body)
        }
    }

    static func attribute(_ name: String, in tag: String) -> String? {
        guard let r = tag.range(of: " \(name)=\"") else { return nil }
        return String(tag[r.upperBound...].prefix { $0 != "\"" })
    }

    /// Decodes the PNG with Python's zlib (8-bit RGB or RGBA, the five filters): its size, how
    /// many distinct colours it has, and the share of pixels that are not white.
    static func pngStats(_ path: String) throws -> (width: Int, height: Int, colours: Int, nonWhite: Double) {
        let script = """
            import sys, zlib, struct, json
            data = open(sys.argv[1], 'rb').read()
            assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n', 'not a PNG'
            pos, idat = 8, b''
            while pos < len(data):
                n, kind = struct.unpack('>I4s', data[pos:pos + 8])
                chunk = data[pos + 8:pos + 8 + n]
                if kind == b'IHDR':
                    w, h, depth, colour = struct.unpack('>IIBB', chunk[:10])
                elif kind == b'IDAT':
                    idat += chunk
                pos += 12 + n
            assert depth == 8 and colour in (2, 6), (depth, colour)
            bpp = 3 if colour == 2 else 4
            raw = zlib.decompress(idat)
            stride = w * bpp
            prev = bytearray(stride)
            colours, nonwhite = set(), 0
            for y in range(h):
                f = raw[y * (stride + 1)]
                line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
                for i in range(stride):
                    a = line[i - bpp] if i >= bpp else 0
                    b = prev[i]
                    c = prev[i - bpp] if i >= bpp else 0
                    if f == 1: line[i] = (line[i] + a) & 255
                    elif f == 2: line[i] = (line[i] + b) & 255
                    elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
                    elif f == 4:
                        p = a + b - c
                        pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                        line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
                for x in range(0, stride, bpp):
                    px = bytes(line[x:x + 3])
                    colours.add(px)
                    if px != b'\\xff\\xff\\xff': nonwhite += 1
                prev = line
            print(json.dumps({'width': w, 'height': h, 'colours': len(colours), 'nonwhite': nonwhite / (w * h)}))
            """
        let done = try Spawn.capture(
            "python3", ["-c", script, path], directory: "/",
            environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"],
            timeout: .seconds(120))
        guard done.status == 0,
            let o = try JSONSerialization.jsonObject(with: Data(done.stdout)) as? [String: Any],
            let w = o["width"] as? Int, let h = o["height"] as? Int, let c = o["colours"] as? Int,
            let n = o["nonwhite"] as? Double
        else { throw Failure(description: "cannot decode \(path): \(done.stderr)") }
        return (w, h, c, n)
    }
}
