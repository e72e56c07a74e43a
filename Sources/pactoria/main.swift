import PactoriaCLI

Pactoria.main()
