import Foundation
@testable import WharfFrame

/// The shared data sets when present, else small generated files of the same schemas, with the counts the
/// tests expect from each.
struct TestData: Sendable {
    let root: String
    let generated: Bool
    var profiles = 17_000, unknownAge = 2_175, transcriptEvents = 25_693, maxHour = 30.0
    var leadRows = 24_991, leadPositives = 12_499, cleanedRows = 24_977, mappingRows = 37, leadTestRows = 100
    var orders = 8_773, users = 4_983, regulars = 18_105, carts = 5_457, inventory = 1_733

    static let current: TestData = {
        if let root = SharedData.root { return TestData(root: root.path, generated: false) }
        return generate()
    }()

    func path(_ relative: String) -> String { root + "/" + relative }

    static let leadColumns = ["created_date", "city_mapped", "first_platform_c", "first_utm_medium_c", "first_utm_source_c",
        "total_leads_droppped", "referred_lead", "1_on_1_industry_mentorship", "call_us_button_clicked", "career_assistance",
        "career_coach", "career_impact", "careers", "chat_clicked", "companies", "download_button_clicked", "download_syllabus",
        "emi_partner_click", "emi_plans_clicked", "fee_component_click", "hiring_partners", "homepage_upgrad_support_number_clicked",
        "industry_projects_case_studies", "live_chat_button_clicked", "payment_amount_toggle_mover", "placement_support",
        "placement_support_banner_tab_clicked", "program_structure", "programme_curriculum", "programme_faculty",
        "request_callback_on_instant_customer_support_cta_clicked", "shorts_entry_click", "social_referral_click",
        "specialisation_tab_clicked", "specializations", "specilization_click", "syllabus", "syllabus_expand",
        "syllabus_submodule_expand", "tab_career_assistance", "tab_job_opportunities", "tab_student_support",
        "view_programs_page", "whatsapp_chat_click", "app_complete_flag"]

    static func generate() -> TestData {
        let dir = SharedData.temporaryDirectory().path
        var d = TestData(root: dir, generated: true)
        d.profiles = 170; d.unknownAge = 21; d.transcriptEvents = 40; d.maxHour = 30
        d.leadRows = 200; d.leadPositives = 100; d.cleanedRows = 150; d.mappingRows = 37; d.leadTestRows = 100
        d.orders = 30; d.users = 20; d.regulars = 25; d.carts = 12; d.inventory = 15
        let fm = FileManager.default
        for sub in ["starbucks", "groceries", "leadscoring"] { try! fm.createDirectory(atPath: "\(dir)/\(sub)", withIntermediateDirectories: true) }
        func write(_ rel: String, _ lines: [String]) { try! (lines.joined(separator: "\n") + "\n").write(toFile: "\(dir)/\(rel)", atomically: true, encoding: .utf8) }
        let id = { (k: Int) in String(format: "%032x", k &* 2_654_435_761) }

        write("starbucks/profile.json", (0..<d.profiles).map { i in
            i % 8 == 0 && i / 8 < d.unknownAge
                ? "{\"gender\": null, \"age\": 118, \"id\": \"\(id(i))\", \"became_member_on\": \"2017021\(i % 10)\", \"income\": null}"
                : "{\"gender\": \"\(["F", "M", "O"][i % 3])\", \"age\": \(20 + i % 70), \"id\": \"\(id(i))\", \"became_member_on\": \"2017071\(i % 10)\", \"income\": \(30000 + 1000 * (i % 90))}"
        })
        let events = ["offer received", "offer viewed", "offer completed", "transaction"]
        write("starbucks/transcript_PARTIAL_first25693.json", (0..<d.transcriptEvents).map { i in
            let value: String
            switch i % 4 {
            case 0, 1: value = "{\"offer id\": \"\(id(i % 10))\"}"
            case 2: value = "{\"offer_id\": \"\(id(i % 10))\", \"reward\": \(2 + i % 3)}"
            default: value = "{\"amount\": \(Double(i) + 0.25)}"
            }
            return "{\"person\": \"\(id(i % 7))\", \"event\": \"\(events[i % 4])\", \"value\": \(value), \"time\": \(i * 30 / (d.transcriptEvents - 1))}"
        })
        let channels = ["[\"email\", \"mobile\", \"social\"]", "[\"web\", \"email\"]", "[\"email\", \"mobile\", \"social\", \"web\"]"]
        write("starbucks/portfolio.json", (0..<10).map { i in
            "{\"reward\": \(i % 5), \"channels\": \(channels[i % 3]), \"difficulty\": \(i * 2), \"duration\": \(Double(3 + i % 5)), \"offer_type\": \"\(["bogo", "discount", "informational"][i % 3])\", \"id\": \"\(id(i))\"}"
        })
        let stamp = { (i: Int) in String(format: "2020-05-%02d %02d:%02d:00", 1 + i % 28, i % 24, i % 60) }
        write("groceries/orders.jsonl", (0..<d.orders).map { i in
            "{\"id\":\(2_204_073_066_628 + i),\"user_id\":\"\(id(i % 9))\",\"created_at\":\"\(stamp(i))\",\"order_date\":\"\(stamp(i).prefix(10)) 00:00:00\",\"user_order_seq\":\(1 + i / 9),\"ordered_items\":[\(33_618_849_693_828 + i),\(33_618_849_693_828 + i * 2),\(33_618_849_693_828 + i * 2)]}"
        })
        write("groceries/users.jsonl", (0..<d.users).map { i in
            "{\"user_id\":\"\(id(i))\",\"user_segment\":\"\(i % 2 == 0 ? "Top Up" : "Proposition")\",\"user_nuts1\":\"UK\(["H", "J", "K"][i % 3])\",\"first_ordered_at\":\"\(stamp(i))\",\"customer_cohort_month\":\"2021-05-01 00:00:00\",\"count_people\":\(i % 3 == 0 ? "null" : "2.0"),\"count_adults\":null,\"count_children\":null,\"count_babies\":null,\"count_pets\":null}"
        })
        write("groceries/regulars.jsonl", (0..<d.regulars).map { i in "{\"user_id\":\"\(id(i % 5))\",\"variant_id\":\(33_618_848_088_196 + i),\"created_at\":\"\(stamp(i))\"}" })
        write("groceries/abandoned_carts.jsonl", (0..<d.carts).map { i in "{\"id\":\(12_858_560_217_220 + i),\"user_id\":\"\(id(i))\",\"created_at\":\"\(stamp(i))\",\"variant_id\":[\(33_826_459_287_684 + i)]}" })
        write("groceries/inventory.jsonl", (0..<d.inventory).map { i in
            "{\"variant_id\":\(39_587_297_165_444 + i),\"price\":\(Double(i) + 0.99),\"compare_at_price\":\(Double(i) + 1.5),\"vendor\":\"v\(i % 4)\",\"product_type\":\"t\(i % 3)\",\"tags\":[\"a\",\"b\(i % 2)\"]}"
        })
        func leadRow(_ i: Int, label: Bool) -> String {
            var cells = ["2021-0\(7 + i % 3)-1\(i % 10) 0\(i % 10):26:12", i % 10 == 0 ? "" : ["nagpur", "kolkata", "mumbai"][i % 3],
                         "Level\(i % 4)", "Level\(i % 30)", "Level\(i % 10)", "\(Double(1 + i % 3))", "0.0"]
            cells += Array(repeating: "", count: 37)
            if label { cells.append(i % 2 == 0 ? "1" : "0") }
            return "\(i)," + cells.joined(separator: ",")
        }
        write("leadscoring/leadscoring_inference_with_labels.csv", ["," + leadColumns.joined(separator: ",")] + (0..<d.leadRows).map { leadRow($0, label: true) })
        write("leadscoring/leadscoring_inference_final_v2.csv", ["," + leadColumns.dropLast().joined(separator: ",")] + (0..<d.leadRows).map { leadRow($0, label: false) })
        write("leadscoring/leadscoring_test.csv", ["," + leadColumns.joined(separator: ",")] + (0..<d.leadTestRows).map { leadRow($0, label: true) })
        write("leadscoring/cleaned_data.csv", ["created_date,city_tier,first_platform_c,first_utm_medium_c,first_utm_source_c,total_leads_droppped,referred_lead,app_complete_flag,assistance_interaction,career_interaction,payment_interaction,social_interaction,syllabus_interaction"]
            + (0..<d.cleanedRows).map { i in "2021-07-01 01:38:17,\(Double(1 + i % 3)),Level\(i % 4),others,Level0,2.0,0.0,\(i % 2),0.0,1.0,0.0,0.0,0.0" })
        write("leadscoring/interaction_mapping.csv", ["\u{FEFF}interaction_type,interaction_mapping"] + leadColumns[7..<44].map { "\($0),career_interaction" })
        let db = "\(dir)/leadscoring/unit_test_cases.db"
        let loaded = try! CSVReader.read(path: "\(dir)/leadscoring/leadscoring_test.csv").head(20)
        try! SQLiteWriter.write(loaded, to: db, table: "loaded_data_test_case")
        let mapped = try! CSVReader.read(path: "\(dir)/leadscoring/cleaned_data.csv").head(20)
        try! SQLiteWriter.write(mapped, to: db, table: "interactions_mapped_test_case")
        return d
    }
}
