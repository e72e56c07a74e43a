import ArgumentParser
import PactoriaCLI

Pactoria.main()
