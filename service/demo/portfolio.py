"""The demo company's 40 initiatives (INI-001 ... INI-040, in this order) and their links.

Budgets are in thousands. About two thirds of the active budget is client-facing while
HR has no active initiative at all: the skew the product exists to show.

The start dates (months before today) tell the history the monthly snapshots replay: the
marketing and sales promises started first (82% client-facing eighteen months ago), and the
operations, finance, IT and customer-service enablers started over the last twelve months,
so the share drifts down toward the band. Work in progress started at least four months
ago, so its check-ins come after its kick-off.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class InitiativeSpec:
    title: str
    department: str
    owner: str
    status: str
    orientation: str
    origin: str
    budget: int  # thousands
    start: int  # months ago (negative: starts in the future)
    months: int  # planned duration
    user_need: str
    target_users: str
    description: str
    # (KPI code, weight, rationale)
    kpis: tuple[tuple[str, str, str], ...] = ()
    client_share: str | None = None
    sponsor: str | None = None  # default: the head of the lead department
    percent: int = 0
    hypothesis: str = ""  # set on experiments
    lessons: str = ""
    # Days since the latest check-in; None lets the loader pick a recent one.
    last_update: int | None = None


_I = InitiativeSpec
CS = "customer-service"

INITIATIVES: tuple[InitiativeSpec, ...] = (
    _I(
        "Supply-chain traceability to cut stock-outs",
        "operations",
        "marc",
        "in_progress",
        "internal",
        "user_need",
        450,
        12,
        18,
        percent=55,
        user_need="Store managers and the web shop learn that a product is out of stock when a "
        "customer asks for it: where a pallet is between supplier, warehouse and store is "
        "invisible, so replenishment reacts days late.",
        target_users="Demand planners, warehouse and store managers, e-commerce merchandisers",
        description="Scan events at supplier dispatch, warehouse receipt and store delivery "
        "feed one tracking service, so planners see stock in transit and re-route it before "
        "shelves run empty.",
        kpis=(
            ("STOCKOUT", "0.6", "Planners see stock in transit and re-route it in time."),
            ("PROMISE-KEPT", "0.3", "Web orders are promised against stock we can see."),
            ("INVENTORY-DAYS", "0.2", "Less safety stock once transit is visible."),
        ),
    ),
    _I(
        "Shared budget-steering tool for the CFO",
        "finance",
        "pierre",
        "in_progress",
        "internal",
        "efficiency",
        120,
        5,
        12,
        percent=60,
        user_need="Every month 40 budget holders e-mail spreadsheets that controllers "
        "consolidate by hand for six days; versions diverge and the CFO sees the forecast two "
        "weeks late.",
        target_users="CFO, financial controllers and the 40 budget holders",
        description="One web tool where budget holders forecast against live ledger actuals, "
        "with approval workflow and comments, replacing the spreadsheet round-trips.",
        kpis=(
            ("BUDGET-ACCURACY", "0.7", "Holders forecast against live actuals."),
            ("CLOSE-DAYS", "0.4", "Consolidation no longer waits for spreadsheets."),
        ),
    ),
    _I(
        "Internal-mobility portal",
        "hr",
        "emma",
        "proposed",
        "internal",
        "user_need",
        180,
        -2,
        9,
        user_need="Employees hear about openings after external candidates do; a third of "
        "leavers say in their exit interview that they saw no way to grow inside the company.",
        target_users="All 4,800 employees, hiring managers, HR business partners",
        description="A portal that shows internal openings first, with skills profiles, "
        "short assignments in other teams and mentoring requests, fed by the HRIS.",
        kpis=(
            ("INTERNAL-MOBILITY", "0.8", "Openings are seen inside the company first."),
            ("ENPS", "0.3", "A visible career path weighs on engagement."),
        ),
    ),
    _I(
        "Automated document validation for compliance",
        "finance",
        "greta",
        "in_progress",
        "internal",
        "regulation",
        180,
        8,
        14,
        percent=45,
        user_need="Compliance officers check supplier certificates, trade-customer identity "
        "files and food-contact declarations by hand; opening a trade account takes nine days.",
        target_users="Compliance officers, trade account managers, procurement",
        description="Documents are classified and checked automatically (expiry dates, "
        "signatures, company registry numbers); officers review only the exceptions.",
        kpis=(("DOC-VALIDATION-TIME", "0.8", "Officers review the exceptions only."),),
    ),
    _I(
        "Fewer re-keyings between twelve business apps",
        "it",
        "chloe",
        "in_progress",
        "internal",
        "efficiency",
        280,
        10,
        20,
        percent=40,
        user_need="Orders, prices and supplier data are typed again between twelve business "
        "applications (ERP, warehouse, tills, web shop, CRM...): about 1,900 hours a month, "
        "and every copy is a chance for an error customers end up seeing.",
        target_users="Order administrators, accounts payable, warehouse planners, store back "
        "offices",
        description="An integration hub with event-driven flows for the five most re-keyed "
        "objects (orders, prices, products, suppliers, customers), replacing nightly files "
        "and manual copies.",
        kpis=(
            ("REKEY-HOURS", "0.8", "Each flow removes a manual copy."),
            ("ORDER-CYCLE", "0.3", "Orders stop waiting for the nightly batch."),
            ("COST-TO-SERVE", "0.2", "Less administration time per order."),
        ),
    ),
    _I(
        "E-commerce personalisation",
        "marketing",
        "camille",
        "in_progress",
        "client_facing",
        "user_need",
        1600,
        18,
        28,
        percent=65,
        user_need="Returning customers see the same home page as first-time visitors; 62% of "
        "surveyed customers say our suggestions ignore what they already bought.",
        target_users="1.2 million yearly online customers, e-commerce merchandisers",
        description="Recommendations and home-page content ranked from browsing, purchases "
        "and declared projects, with merchandiser rules on top.",
        kpis=(
            ("CONVERSION", "0.6", "Relevant products reach the visitor sooner."),
            ("REPEAT-RATE", "0.3", "Returning customers see what fits their past purchases."),
            ("ONLINE-REVENUE", "0.4", "Direct revenue effect of a better conversion."),
        ),
    ),
    _I(
        "Customer chatbot for order questions",
        CS,
        "alice",
        "in_progress",
        "client_facing",
        "user_need",
        420,
        5,
        10,
        percent=65,
        user_need="40% of calls are 'where is my order?'; customers wait six minutes to ask "
        "it and want an answer at 10 pm on a Sunday too.",
        target_users="Online and click & collect customers; the agents who take hand-overs",
        description="A chatbot on the web shop and the app that answers order status, "
        "delivery slot and returns questions from live order data, and hands over to an "
        "agent with the conversation attached.",
        kpis=(
            ("CSAT", "0.4", "An instant answer to the most frequent question."),
            ("FCR", "0.3", "Simple questions solved without a call."),
            ("COST-TO-SERVE", "0.4", "Fewer calls per order."),
        ),
    ),
    _I(
        "Agent desktop for customer service",
        CS,
        "fatou",
        "in_progress",
        "internal",
        "user_need",
        220,
        7,
        12,
        percent=45,
        user_need="Agents switch between six applications during a call and re-type the order "
        "number in each; they rate their tools 4.8/10 and new agents need five weeks to work "
        "alone.",
        target_users="140 contact-centre agents and their team leaders",
        description="One screen with the customer, orders, deliveries, returns and past "
        "contacts, plus guided scripts; the six legacy screens stay behind it.",
        kpis=(
            ("AGENT-TOOL-SAT", "0.7", "One screen instead of six."),
            ("AHT", "0.4", "No more re-typing between applications."),
            ("FCR", "0.3", "Agents see the whole story and solve it in one contact."),
        ),
    ),
    _I(
        "Loyalty app",
        "marketing",
        "tomas",
        "in_progress",
        "client_facing",
        "user_need",
        1200,
        18,
        24,
        percent=70,
        user_need="Members forget their plastic card in one purchase out of three and lose "
        "points and offers; they ask to see their balance and offers on their phone.",
        target_users="410,000 loyalty members, store cashiers",
        description="A mobile app with a digital card, points balance, personal offers and "
        "purchase history, the same in stores and on the web.",
        kpis=(
            ("LOYALTY-ACTIVE", "0.7", "The card is always at hand."),
            ("REPEAT-RATE", "0.4", "Personal offers bring members back."),
            ("CHURN", "0.3", "Expiring-points reminders re-activate members."),
        ),
    ),
    _I(
        "CRM 360: one customer view for sales, marketing and service",
        "sales",
        "adrien",
        "in_progress",
        "hybrid",
        "user_need",
        1500,
        18,
        30,
        client_share="0.6",
        percent=60,
        user_need="Sales, marketing and customer service each keep their own customer file; "
        "a trade customer who complains on the phone gets a promotional call the next day.",
        target_users="Sales representatives, marketers, contact-centre agents",
        description="One customer record with contacts, orders, complaints and consent, "
        "shared by sales, marketing and customer service in a CRM that replaces three tools.",
        kpis=(
            ("CHURN", "0.5", "Complaints are seen before the next sales call."),
            ("NPS", "0.3", "Customers stop repeating their story."),
            ("REPEAT-RATE", "0.3", "Offers follow the whole relationship."),
        ),
    ),
    _I(
        "Customer data platform with consent management",
        "it",
        "karim",
        "in_progress",
        "hybrid",
        "regulation",
        800,
        11,
        18,
        sponsor="cdo",
        percent=55,
        user_need="Marketing cannot prove which customer agreed to which use of their data, "
        "and every channel holds a different profile of the same person.",
        target_users="Marketing, e-commerce, the data team, the data protection officer",
        description="One consented customer profile joining store, web and loyalty data, "
        "with consent recorded per purpose and served to every channel.",
        kpis=(
            ("REPEAT-RATE", "0.2", "Store and web purchases are reconciled per customer."),
            ("CONVERSION", "0.2", "Personalisation uses consented profiles."),
        ),
    ),
    _I(
        "Real-time stock availability on product pages",
        "marketing",
        "hugo",
        "in_progress",
        "client_facing",
        "user_need",
        520,
        10,
        16,
        percent=60,
        user_need="Customers drive to a store the website said had stock and find an empty "
        "shelf; 'not in stock' is the first reason for a negative store review.",
        target_users="Online shoppers who check store stock before visiting; store staff",
        description="Product pages show stock per store, refreshed from store sales and "
        "in-transit deliveries, with a reserve-in-store button.",
        kpis=(
            ("PROMISE-KEPT", "0.5", "We only promise stock that is on the shelf."),
            ("CONVERSION", "0.3", "Shoppers buy when they see the item is available."),
            ("NPS", "0.2", "No more wasted trips."),
        ),
    ),
    _I(
        "Trade customer ordering portal",
        "sales",
        "matteo",
        "approved",
        "client_facing",
        "user_need",
        900,
        -1,
        12,
        user_need="Trade customers (builders, landscapers) order by e-mail and phone; entering "
        "an order takes inside sales 12 minutes and input errors cause one return in 20.",
        target_users="3,200 trade customer accounts, the inside sales team",
        description="A self-service portal with trade prices, reorder from past orders, "
        "delivery to the building site and invoices.",
        kpis=(
            ("ORDER-CYCLE", "0.4", "No more waiting for manual order entry."),
            ("REPEAT-RATE", "0.3", "Reordering takes two clicks."),
            ("ONLINE-REVENUE", "0.4", "Trade orders move online."),
        ),
    ),
    _I(
        "Return online purchases in store",
        "operations",
        "luis",
        "in_progress",
        "client_facing",
        "user_need",
        480,
        11,
        18,
        percent=55,
        user_need="Customers who bought online must post returns back at their own cost; they "
        "ask to return the item in the store next door and get their refund the same day.",
        target_users="Online customers, store service-desk staff",
        description="Any store accepts web returns: scan the order, refund on the spot, and "
        "the item goes back to store stock or to the warehouse.",
        kpis=(
            ("NPS", "0.3", "Returns stop being a hassle."),
            ("COST-TO-SERVE", "0.3", "No more return parcels."),
            ("CHURN", "0.2", "A bad return experience loses the customer."),
        ),
    ),
    _I(
        "Store staff mobile app",
        "operations",
        "luis",
        "in_progress",
        "hybrid",
        "user_need",
        350,
        12,
        20,
        percent=50,
        user_need="Store staff walk to a fixed terminal to check stock or prepare a click & "
        "collect order while the customer waits; they rate their tools 5.1/10.",
        target_users="2,100 store staff and store managers",
        description="A handheld app for stock lookup, click & collect picking, price checks "
        "and customer orders from the aisle.",
        kpis=(
            ("STORE-TOOL-SAT", "0.6", "The tool is in the pocket, not at the back of the store."),
            ("PROMISE-KEPT", "0.3", "Click & collect orders are picked as soon as they arrive."),
        ),
    ),
    _I(
        "Click & collect in two hours",
        "sales",
        "julie",
        "in_progress",
        "client_facing",
        "user_need",
        750,
        12,
        18,
        percent=60,
        user_need="Customers starting a weekend project want their items the same day; click "
        "& collect takes 48 hours today because orders are prepared at the warehouse.",
        target_users="Online shoppers living near one of the 120 stores",
        description="Orders are picked from store stock and ready within two hours, with a "
        "text message when they are waiting at the desk.",
        kpis=(
            ("PROMISE-KEPT", "0.4", "Two hours, promised and kept."),
            ("ONLINE-REVENUE", "0.4", "Same-day projects move online."),
            ("CONVERSION", "0.2", "Same-day pick-up converts hesitant shoppers."),
        ),
    ),
    _I(
        "Demand forecasting with machine learning",
        "operations",
        "felix",
        "approved",
        "internal",
        "efficiency",
        150,
        0,
        6,
        sponsor="marc",
        hypothesis="A forecast that learns from weather and promotions beats the planners' "
        "spreadsheet by 8 points of accuracy on seasonal garden ranges.",
        user_need="Planners forecast 18,000 products in spreadsheets; seasonal garden ranges "
        "run out in the first sunny week and are written off in September.",
        target_users="Demand planners, category managers",
        description="A three-month test on two seasonal categories, comparing a machine "
        "learning forecast with the planners' own forecast, week by week.",
        kpis=(
            ("FORECAST-ACCURACY", "0.7", "The hypothesis under test."),
            ("STOCKOUT", "0.3", "Better forecasts, fewer empty shelves."),
            ("INVENTORY-DAYS", "0.3", "Less end-of-season stock."),
        ),
    ),
    _I(
        "Generative-AI shopping assistant",
        "marketing",
        "camille",
        "approved",
        "client_facing",
        "technology",
        700,
        -1,
        8,
        hypothesis="A conversational assistant will increase the average basket.",
        user_need="",
        target_users="Online shoppers",
        description="A conversational assistant on the web shop built on a large language "
        "model, proposed after a vendor demonstration.",
    ),
    _I(
        "Virtual garden showroom",
        "marketing",
        "oliver",
        "stopped",
        "client_facing",
        "technology",
        150,
        16,
        5,
        hypothesis="Young home owners will visit a virtual garden showroom and then buy online.",
        lessons="1,900 visits in five months, mostly employees and the agency, and no "
        "measurable sale. Customers look for inspiration on product pages and in stores, not "
        "in a separate virtual world. Next time: start from a customer problem and a KPI, and "
        "test a paper prototype before building. The 3D product models now illustrate product "
        "pages.",
        user_need="",
        target_users="Home owners aged 25-40",
        description="A 3D showroom where visitors design a garden and buy the products in it.",
        kpis=(("ONLINE-REVENUE", "0.1", "Expected sales from showroom visitors."),),
    ),
    _I(
        "Warehouse scanning and pick-to-light",
        "operations",
        "olga",
        "approved",
        "internal",
        "efficiency",
        260,
        -1,
        10,
        user_need="Pickers walk whole aisles with paper lists; one order in 60 ships with a "
        "wrong item and the evening wave often misses the last truck.",
        target_users="180 warehouse pickers and team leaders",
        description="Handheld scanners and pick-to-light shelves in the central warehouse, "
        "with picking waves computed by the warehouse system.",
        kpis=(
            ("ORDER-CYCLE", "0.5", "Evening waves catch the last truck."),
            ("PROMISE-KEPT", "0.3", "Right item, right day."),
            ("COST-TO-SERVE", "0.2", "Less walking per order line."),
        ),
    ),
    _I(
        "Route optimisation for home deliveries",
        "operations",
        "bruno",
        "in_progress",
        "hybrid",
        "efficiency",
        380,
        8,
        12,
        client_share="0.4",
        percent=70,
        user_need="Rounds are planned by hand the evening before; customers get a full-day "
        "delivery window and 14% of deliveries fail because nobody is home.",
        target_users="Transport planners, 90 delivery drivers, home-delivery customers",
        description="Rounds optimised overnight with traffic and time windows, and a two-hour "
        "delivery window given to the customer.",
        kpis=(
            ("PROMISE-KEPT", "0.4", "Narrow windows that are kept."),
            ("COST-TO-SERVE", "0.4", "Fewer kilometres and failed deliveries."),
            ("ORDER-CYCLE", "0.2", "Failed deliveries no longer add days."),
        ),
    ),
    _I(
        "Delivery tracking notifications",
        CS,
        "jonas",
        "in_progress",
        "client_facing",
        "user_need",
        260,
        7,
        12,
        percent=55,
        user_need="Customers waiting for a sofa or a garden shed take a day off and call us "
        "three times to learn when the truck will arrive.",
        target_users="Home-delivery customers",
        description="Text and app notifications with a two-hour window the day before and a "
        "live estimated arrival on delivery day.",
        kpis=(
            ("CSAT", "0.3", "Customers know when the truck comes."),
            ("NPS", "0.3", "A day off saved."),
            ("COST-TO-SERVE", "0.2", "Fewer 'where is my delivery' calls."),
        ),
    ),
    _I(
        "Knowledge base for agents and self-service",
        CS,
        "lina",
        "in_progress",
        "internal",
        "user_need",
        160,
        5,
        9,
        percent=60,
        user_need="Answers to product and policy questions sit in 300 documents and in "
        "people's heads; agents give different answers to the same question and the chatbot "
        "has nothing to learn from.",
        target_users="Contact-centre agents, store service desks, the customer chatbot",
        description="One curated knowledge base with an owner per topic, searchable from the "
        "agent desktop and used by the chatbot and the help pages.",
        kpis=(
            ("FCR", "0.4", "The right answer the first time."),
            ("AHT", "0.3", "No more searching through documents during the call."),
            ("AGENT-TOOL-SAT", "0.3", "Agents trust the answer they give."),
        ),
    ),
    _I(
        "Contact-centre workforce planning",
        CS,
        "daniel",
        "done",
        "internal",
        "efficiency",
        120,
        14,
        8,
        percent=100,
        user_need="Staffing is planned on last year's volumes; Monday mornings queue for 15 "
        "minutes while Thursday afternoons are idle.",
        target_users="Contact-centre managers and the workforce planner",
        description="Forecast-based schedules by half-hour, with agents swapping shifts in "
        "a self-service app.",
        kpis=(
            ("AHT", "0.2", "Rested teams handle calls faster."),
            ("CSAT", "0.3", "Shorter queues at peak times."),
        ),
    ),
    _I(
        "Digital onboarding for new hires",
        "hr",
        "rachid",
        "done",
        "internal",
        "user_need",
        140,
        16,
        8,
        percent=100,
        user_need="New store and warehouse staff spend their first week waiting for accounts, "
        "badges and training slots; one in six leaves within three months.",
        target_users="About 900 new hires a year and their managers",
        description="A pre-boarding journey: contract signed online, accounts and badge ready "
        "on day one, first trainings booked before arrival.",
        kpis=(
            ("ONBOARDING-DAYS", "0.6", "Productive from the first week."),
            ("ENPS", "0.2", "A good first week sets the tone."),
        ),
    ),
    _I(
        "HR self-service chatbot",
        "hr",
        "kenji",
        "stopped",
        "internal",
        "user_need",
        60,
        13,
        4,
        hypothesis="A chatbot can answer half of the repetitive HR questions without an HR "
        "officer.",
        lessons="Employees asked about their own situation (my leave balance, my payslip) and "
        "a bot with no access to the HRIS answered only 22% of questions. Stopped after four "
        "months. We keep the FAQ written for the bot, now on the intranet, and HRIS access is "
        "a prerequisite for any second attempt.",
        user_need="HR operations answer the same 20 questions (leave, payslips, expenses) 900 "
        "times a month by e-mail.",
        target_users="All employees, the HR operations team",
        description="A chatbot on the intranet answering leave, payslip and expense questions.",
        kpis=(("ENPS", "0.1", "Faster answers to everyday HR questions."),),
    ),
    _I(
        "Digital skills academy",
        "hr",
        "zoe",
        "done",
        "internal",
        "user_need",
        200,
        18,
        10,
        percent=100,
        user_need="Store and office staff are asked to use new digital tools without training; "
        "managers report that they avoid the tools and go back to paper.",
        target_users="All store and office staff",
        description="Role-based e-learning paths on the digital tools, with a certificate and "
        "an hour of paid training time a month.",
        kpis=(("TRAINING-COMPLETION", "0.7", "Every role follows its learning path."),),
    ),
    _I(
        "Procure-to-pay automation",
        "finance",
        "ahmed",
        "on_hold",
        "internal",
        "efficiency",
        140,
        8,
        12,
        percent=25,
        last_update=50,
        user_need="Accounts payable match 6,000 supplier invoices a month against orders and "
        "receipts by hand; suppliers chase late payments and we lose early-payment discounts.",
        target_users="Accounts payable, procurement, suppliers",
        description="Automatic three-way matching of invoices, orders and receipts, with "
        "exceptions routed to the buyer.",
        kpis=(
            ("REKEY-HOURS", "0.4", "Invoices are no longer typed in."),
            ("CLOSE-DAYS", "0.3", "Payables close without a manual backlog."),
        ),
    ),
    _I(
        "Mandatory e-invoicing",
        "finance",
        "benoit",
        "in_progress",
        "internal",
        "regulation",
        160,
        6,
        14,
        percent=30,
        user_need="",
        target_users="Accounts payable and receivable, trade customers, suppliers",
        description="Send and receive invoices through a certified platform in the structured "
        "format the tax administration will require from every company.",
        kpis=(
            ("CLOSE-DAYS", "0.3", "Structured invoices post themselves."),
            ("REKEY-HOURS", "0.3", "No more typing of supplier invoices."),
        ),
    ),
    _I(
        "ERP finance upgrade",
        "it",
        "mehdi",
        "approved",
        "internal",
        "efficiency",
        600,
        -2,
        18,
        user_need="The finance ERP leaves vendor support at the end of next year; the month-end "
        "close runs on 40 custom reports that break at every patch.",
        target_users="Finance, procurement, accounts payable",
        description="Move the finance and purchasing modules to the vendor's current cloud "
        "version, retiring the custom reports.",
        kpis=(
            ("CLOSE-DAYS", "0.5", "Standard reports instead of 40 custom ones."),
            ("BUDGET-ACCURACY", "0.2", "Actuals available on day one."),
        ),
    ),
    _I(
        "Cloud data lake",
        "it",
        "karim",
        "in_progress",
        "internal",
        "technology",
        380,
        9,
        16,
        percent=50,
        last_update=45,
        user_need="Analysts say they cannot find data.",
        target_users="Analysts and data scientists",
        description="Copy every operational database into a cloud data lake on a new "
        "lakehouse engine chosen after a vendor conference; use cases to be found once the "
        "data is there.",
        kpis=(("REKEY-HOURS", "0.1", "Expected indirect effect of shared data."),),
    ),
    _I(
        "Multi-factor authentication and phishing resilience",
        "it",
        "jan",
        "in_progress",
        "internal",
        "regulation",
        150,
        6,
        8,
        percent=70,
        user_need="Two phishing attacks last year exposed store managers' mailboxes, and the "
        "cyber-insurance renewal requires multi-factor authentication on every account.",
        target_users="Every employee with an account",
        description="Multi-factor authentication for all accounts, phishing simulations "
        "every quarter and a one-click 'report phishing' button.",
    ),
    _I(
        "Sales pipeline dashboard",
        "sales",
        "noah",
        "done",
        "internal",
        "user_need",
        90,
        15,
        6,
        percent=100,
        user_need="The sales director builds the weekly pipeline review from nine regional "
        "spreadsheets every Monday morning.",
        target_users="Sales director, regional sales managers",
        description="A pipeline dashboard fed by the CRM, with weekly snapshots and forecast "
        "versus actual per region.",
        kpis=(("FORECAST-ACCURACY", "0.3", "Sales forecasts feed the demand plan."),),
    ),
    _I(
        "Voice ordering for trade customers",
        "sales",
        "priya",
        "stopped",
        "client_facing",
        "user_need",
        90,
        6,
        4,
        hypothesis="Trade customers will reorder consumables from the building site by voice "
        "assistant.",
        lessons="Only 3% of invited trade customers tried it and most voice orders had to be "
        "corrected: product references are too alike to be dictated. What they wanted was a "
        "'reorder' button on past orders, now part of the trade customer ordering portal.",
        user_need="Trade customers on building sites want to reorder consumables without "
        "stopping work.",
        target_users="Trade customers (builders, landscapers)",
        description="Reorder screws, fixings and consumables by voice assistant.",
        kpis=(("ORDER-CYCLE", "0.2", "Orders placed from the site, without a call."),),
    ),
    _I(
        "Product information hub",
        "marketing",
        "lea",
        "in_progress",
        "hybrid",
        "user_need",
        420,
        17,
        30,
        client_share="0.7",
        percent=50,
        last_update=75,
        user_need="Product sheets are written four times (web, catalogue, shelf labels, "
        "marketplaces) and disagree; one online return in eight is 'not as described'.",
        target_users="Product content team, category managers, online shoppers",
        description="One product information hub that feeds the web shop, the catalogue, "
        "shelf labels and marketplaces.",
        kpis=(
            ("CONVERSION", "0.3", "Complete, consistent product pages."),
            ("REKEY-HOURS", "0.2", "Product data written once."),
        ),
    ),
    _I(
        "Next-best-offer e-mails",
        "marketing",
        "yasmine",
        "approved",
        "client_facing",
        "user_need",
        300,
        -1,
        6,
        user_need="Customers receive the same weekly newsletter whatever they bought; "
        "unsubscribes doubled in a year.",
        target_users="Newsletter subscribers and loyalty members",
        description="E-mails with the next product a customer is likely to need, from their "
        "purchases and projects.",
        kpis=(
            ("REPEAT-RATE", "0.4", "The next purchase, suggested at the right time."),
            ("CHURN", "0.3", "Fewer unsubscribes and lapsed customers."),
        ),
    ),
    _I(
        "Customer care on social networks",
        CS,
        "jonas",
        "proposed",
        "client_facing",
        "user_need",
        110,
        -3,
        6,
        user_need="Customers complain publicly on social networks and wait two days for an "
        "answer relayed by the communication agency.",
        target_users="Customers who contact us on social networks",
        description="Social messages routed to the contact centre, answered by trained agents "
        "within two hours.",
        kpis=(
            ("CSAT", "0.3", "Answers within two hours."),
            ("NPS", "0.2", "Public complaints handled in public."),
        ),
    ),
    _I(
        "Dynamic pricing for the web shop",
        "marketing",
        "mia",
        "proposed",
        "client_facing",
        "efficiency",
        650,
        -3,
        9,
        user_need="Merchandisers reprice 2,000 products by hand each week against competitors "
        "and miss weekend promotions.",
        target_users="Merchandisers, online shoppers",
        description="Prices adjusted daily within merchandiser-set bounds from competitor "
        "prices, stock and demand.",
        kpis=(
            ("CONVERSION", "0.4", "Competitive prices at the right moment."),
            ("ONLINE-REVENUE", "0.3", "Margin and volume on price-sensitive products."),
        ),
    ),
    _I(
        "Mobile checkout in stores",
        "sales",
        "etienne",
        "in_progress",
        "client_facing",
        "user_need",
        480,
        12,
        20,
        percent=60,
        last_update=40,
        user_need="On spring Saturdays customers queue 12 minutes at the tills with a trolley "
        "of plants; some leave the trolley and walk out.",
        target_users="Store customers at peak times, cashiers",
        description="Staff with handheld terminals take payment in the queue and in the "
        "garden centre.",
        kpis=(
            ("NPS", "0.4", "No more queues on spring Saturdays."),
            ("CHURN", "0.1", "Customers who walk out may not come back."),
        ),
    ),
    _I(
        "Supplier quality portal",
        "operations",
        "hanna",
        "in_progress",
        "internal",
        "user_need",
        90,
        4,
        8,
        percent=35,
        user_need="Quality claims go to suppliers by e-mail with photos; nobody can say which "
        "supplier causes the most damaged deliveries.",
        target_users="Quality team, buyers, 380 suppliers",
        description="A portal where stores and the warehouse file quality claims, suppliers "
        "answer and upload their certificates, and buyers see a scorecard per supplier.",
        kpis=(
            ("STOCKOUT", "0.2", "Damaged deliveries no longer leave gaps on the shelf."),
            ("DOC-VALIDATION-TIME", "0.2", "Suppliers upload their certificates themselves."),
        ),
    ),
)

# (from code, kind, to code): internal enablers behind client-facing promises, and
# dependencies. Some client-facing initiatives deliberately have no enabler.
LINKS: tuple[tuple[str, str, str], ...] = (
    ("INI-011", "enables", "INI-006"),
    ("INI-023", "enables", "INI-007"),
    ("INI-008", "enables", "INI-007"),
    ("INI-001", "enables", "INI-012"),
    ("INI-005", "enables", "INI-013"),
    ("INI-005", "enables", "INI-010"),
    ("INI-015", "enables", "INI-016"),
    ("INI-021", "enables", "INI-022"),
    ("INI-028", "depends_on", "INI-030"),
    ("INI-029", "depends_on", "INI-030"),
    ("INI-036", "depends_on", "INI-010"),
)
