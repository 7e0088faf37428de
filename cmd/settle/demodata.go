package main

// The demo data set's fixed parts: merchants with their catalogues, and the
// people who buy from them. All names, emails, phone numbers and addresses are
// fictional (555-01xx and 07700 900xxx numbers are reserved for fiction).

type demoMerchant struct {
	id, name, market, currency string
	threshold                  int64 // auto-accept threshold, minor units
	kind                       string
	catalog                    []demoItem
}

type demoItem struct {
	sku, name string
	price     int64
}

var demoMerchants = []demoMerchant{
	{"mer_demo_stride", "Stride Shoes", "US", "USD", 2500, "goods", []demoItem{
		{"STR-RUN-42", "Cloudrun running shoes", 12900}, {"STR-BOOT-9", "Leather Chelsea boots", 18900},
		{"STR-SNK-11", "Court low sneakers", 8900}, {"STR-SOCK-3", "Merino socks (3 pack)", 2400}}},
	{"mer_demo_northwind", "Northwind Outfitters", "US", "USD", 3000, "goods", []demoItem{
		{"NW-JKT-RAIN", "Waterproof rain jacket", 14900}, {"NW-JKT-DOWN", "Down puffer jacket", 22900},
		{"NW-FLC-2", "Fleece pullover", 6900}, {"NW-BEANIE", "Wool beanie", 2900}}},
	{"mer_demo_voltline", "Voltline Electronics", "US", "USD", 0, "goods", []demoItem{
		{"VL-HP-300", "Noise-cancelling headphones", 29900}, {"VL-TAB-10", "10-inch tablet", 44900},
		{"VL-LAP-14", "14-inch laptop", 129900}, {"VL-CAM-4K", "4K action camera", 34900}, {"VL-CBL-USB", "USB-C cable", 1900}}},
	{"mer_demo_oakash", "Oak & Ash Furniture", "US", "USD", 0, "goods", []demoItem{
		{"OA-SOFA-3", "Three-seat sofa", 189900}, {"OA-DESK-OAK", "Oak writing desk", 64900},
		{"OA-CHAIR-D", "Dining chair", 17900}, {"OA-LAMP-F", "Floor lamp", 12900}}},
	{"mer_demo_streambox", "StreamBox", "US", "USD", 1500, "subscription", []demoItem{
		{"SB-PREMIUM-M", "StreamBox Premium (monthly)", 1799}}},
	{"mer_demo_glow", "Glow Beauty", "US", "USD", 2000, "goods", []demoItem{
		{"GB-SERUM", "Vitamin C serum", 4200}, {"GB-PALETTE", "Eyeshadow palette", 5400},
		{"GB-DRYER", "Ionic hair dryer", 18900}}},
	{"mer_demo_summit", "Summit Sports", "US", "USD", 2500, "goods", []demoItem{
		{"SS-TENT-2", "Two-person tent", 24900}, {"SS-BIKE-HLM", "Cycling helmet", 8900},
		{"SS-YOGA", "Yoga mat", 4900}, {"SS-WATCH", "GPS sports watch", 27900}}},
	{"mer_demo_pageturner", "PageTurner Books", "US", "USD", 1500, "goods", []demoItem{
		{"PT-BOX-FAN", "Fantasy box set", 8900}, {"PT-COOK", "Weeknight cookbook", 3200}, {"PT-EREADER", "E-reader", 13900}}},
	{"mer_demo_kitchen", "Kitchen Korner", "US", "USD", 2000, "goods", []demoItem{
		{"KK-BLEND", "High-speed blender", 15900}, {"KK-KNIFE", "Chef's knife", 8900},
		{"KK-ESPRESSO", "Espresso machine", 49900}, {"KK-PAN-SET", "Non-stick pan set", 11900}}},
	{"mer_demo_thames", "Thames Tailoring", "UK", "GBP", 2500, "goods", []demoItem{
		{"TT-SUIT-NAVY", "Navy wool suit", 34900}, {"TT-SHIRT-W", "White Oxford shirt", 5900},
		{"TT-COAT-WOOL", "Wool overcoat", 27900}, {"TT-TIE-SILK", "Silk tie", 3900}}},
	{"mer_demo_bricklane", "Brick Lane Home", "UK", "GBP", 2000, "goods", []demoItem{
		{"BL-RUG-L", "Large wool rug", 24900}, {"BL-MIRROR", "Round wall mirror", 8900},
		{"BL-BEDSET", "Linen bedding set", 12900}, {"BL-VASE", "Stoneware vase", 3400}}},
	{"mer_demo_fitclub", "FitClub Plus", "UK", "GBP", 1000, "subscription", []demoItem{
		{"FC-MEMBER-M", "FitClub membership (monthly)", 3499}}},
}

var demoFirstNames = []string{"Alex", "Jordan", "Sam", "Taylor", "Morgan", "Casey", "Riley", "Jamie",
	"Avery", "Quinn", "Harper", "Rowan", "Elliot", "Dana", "Priya", "Mateo", "Aisha", "Lena",
	"Noah", "Chloe", "Omar", "Sofia", "Ethan", "Maya"}

var demoLastNames = []string{"Morgan", "Lee", "Patel", "Garcia", "Nguyen", "Smith", "Johnson", "Brown",
	"Khan", "Okafor", "Rossi", "Schmidt", "Evans", "Walsh", "Silva", "Cohen"}

var demoUSStreets = []string{"Maple Avenue", "Cedar Street", "Harbor Road", "Lakeview Drive", "Pine Court", "Elm Street"}
var demoUSCities = []string{"Springfield, IL 62704", "Portland, OR 97205", "Austin, TX 78701", "Madison, WI 53703", "Boulder, CO 80302"}
var demoUKStreets = []string{"Acacia Avenue", "Church Lane", "Victoria Road", "Mill Street", "Station Road"}
var demoUKCities = []string{"London N1 7AA", "Manchester M1 1AE", "Bristol BS1 4DJ", "Leeds LS1 5AB", "York YO1 7HH"}

// Demo staff accounts, printed when the server starts in demo mode.
var demoStaff = []struct{ email, role, password string }{
	{"agent@settle.test", "agent", "agent-demo-pass"},
	{"ops@settle.test", "ops", "ops-demo-pass"},
	{"admin@settle.test", "admin", "admin-demo-pass"},
}

// demoMerchantKey is the fixed API key of a demo merchant. Demo keys are
// predictable on purpose (they are printed at start); never seed a production
// database.
func demoMerchantKey(merchantID string) string { return "sk_demo_" + merchantID[len("mer_demo_"):] }
