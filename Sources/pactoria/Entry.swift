import ArgumentParser
import PactoriaCLI
import PactoriaGit

/// The process's entry point: the `pactoria` command tree, run on the main task (`serve` runs
/// its server there).
@main
enum Entry {
    static func main() async {
        GitRuntime.startInBackground()
        await Pactoria.main()
    }
}
