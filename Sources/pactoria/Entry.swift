import ArgumentParser
import PactoriaCLI

/// The process's entry point: the `pactoria` command tree, run on the main task (`serve` runs
/// its server there).
@main
enum Entry {
    static func main() async { await Pactoria.main() }
}
