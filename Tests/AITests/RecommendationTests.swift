import PactoriaAI
import PactoriaCore
import Testing

@Suite struct RecommendationTests {
    let recommender = TemplateRecommender(catalog: Fixtures.catalog)

    /// Realistic descriptions and the templates a small-business adviser would reach for first.
    static let cases: [(query: String, expected: Set<String>)] = [
        (
            "I run a web development consultancy and need contracts for client projects",
            ["template-it-001", "template-service-001"]
        ),
        ("We're hiring our first full-time employee to work in our office", ["template-employment-001"]),
        ("Taking on a part-time receptionist for 20 hours a week", ["template-employment-002"]),
        ("I need an NDA before sharing my product design with a manufacturer for a quote", ["template-nda-002"]),
        (
            "Two companies exploring a joint venture will share confidential information both ways",
            ["template-nda-001"]
        ),
        ("I sell handmade candles to customers through my online shop", ["template-terms-003"]),
        ("We are renting a small office from a landlord for our business", ["template-lease-001"]),
        ("A director wants to lend money to the company, repayable over two years", ["template-loan-001"]),
        ("We are a startup selling our cloud software to businesses on a monthly subscription", ["template-saas-001"]),
        (
            "Engaging a freelance developer through their limited company and we are worried about IR35",
            ["template-contractor-001"]
        ),
        (
            "We manufacture products and supply them wholesale to trade customers who reorder every month",
            ["template-supplier-001"]
        ),
        (
            "Our payroll bureau will process our staff's personal data and we need GDPR processor terms",
            ["template-dpa-001"]
        ),
        (
            "My friend and I are starting a business together as partners and sharing the profits",
            ["template-partnership-001"]
        ),
        ("Our creative agency runs social media and advertising campaigns for clients", ["template-agency-001"]),
        ("Terms of use for visitors to our small business website and blog", ["template-terms-001"]),
        ("We license our desktop software to business customers", ["template-licence-001"]),
        ("Management consultant giving strategy advice to a client on a day rate", ["template-consulting-001"]),
        (
            "We buy goods from vendors using purchase orders and want buyer-friendly terms",
            ["template-procurement-001"]
        ),
    ]

    @Test(arguments: 0..<cases.count)
    func firstRecommendationIsSensible(_ index: Int) {
        let (query, expected) = Self.cases[index]
        let results = recommender.recommend(query, top: 3)
        #expect(!results.isEmpty, "no recommendation for: \(query)")
        guard let first = results.first else { return }
        #expect(expected.contains(first.templateID), "\(query) → \(results.map(\.templateID))")
        #expect(!first.reasons.isEmpty)
    }

    @Test func confidenceIsBoundedAndOrdered() {
        let results = recommender.recommend("web developer building a website for a client", top: 5)
        #expect(results.count == 5)
        for result in results { #expect((0...1).contains(result.confidence)) }
        #expect(zip(results, results.dropFirst()).allSatisfy { $0.confidence >= $1.confidence })
        #expect(zip(results, results.dropFirst()).allSatisfy { $0.score >= $1.score })
    }

    @Test func reasonsNameMatchedWordsAndSynonyms() throws {
        let first = try #require(recommender.recommend("We need to hire staff", top: 1).first)
        #expect(first.contractType == .employmentContract)
        #expect(first.reasons.contains { $0.contains("“hire”") || $0.contains("“staff”") })
    }

    @Test func topLimitsAndNonsenseGivesNothing() {
        #expect(recommender.recommend("consultancy", top: 2).count == 2)
        #expect(recommender.recommend("zzzz qqqq", top: 3).isEmpty)
        #expect(recommender.recommend("", top: 3).isEmpty)
    }
}
