import PactoriaAI
import Testing

@Test func moduleLoads() { #expect(!PactoriaAI.analyzerName.isEmpty) }
