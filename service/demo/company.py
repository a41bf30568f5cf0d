"""The demo company, Northbridge Home: departments, reporting line, KPIs and KPI drivers.

A home and garden retailer (120 stores, a web shop, a trade channel for builders and
landscapers). Its initiatives live in `service.demo.portfolio`.
"""

from dataclasses import dataclass

EMAIL_DOMAIN = "northbridge-home.example"


@dataclass(frozen=True)
class PersonSpec:
    key: str
    name: str
    title: str
    department: str | None
    manager: str | None
    active: bool = True


@dataclass(frozen=True)
class KpiSpec:
    code: str
    name: str
    perspective: str
    unit: str
    direction: str
    departments: tuple[str, ...]
    baseline: float
    target: float
    definition: str
    source: str
    cadence: str = "monthly"
    # "improving" moves toward the target; "flat" drifts slightly away from it.
    trend: str = "improving"
    # Months since the last measurement (1 = last month; more = a stale KPI).
    last_measured: int = 1


# (code, name, head key)
DEPARTMENTS: tuple[tuple[str, str, str], ...] = (
    ("marketing", "Marketing", "cmo"),
    ("it", "Information Technology", "cio"),
    ("hr", "Human Resources", "hrd"),
    ("finance", "Finance", "cfo"),
    ("operations", "Operations & Supply Chain", "coo"),
    ("sales", "Sales", "sales_dir"),
    ("customer-service", "Customer Service", "cs_dir"),
)

_P = PersonSpec
# Managers come before their reports: the loader inserts the reporting line top-down.
PEOPLE: tuple[PersonSpec, ...] = (
    _P("ceo", "Hélène Marchand", "Chief Executive Officer", None, None),
    _P("cdo", "Samuel Okafor", "Chief Digital Officer", None, "ceo"),
    _P("cio", "Marta Kowalski", "Chief Information Officer", "it", "ceo"),
    _P("cmo", "Julien Roche", "Chief Marketing Officer", "marketing", "ceo"),
    _P("cfo", "Ingrid Halvorsen", "Chief Financial Officer", "finance", "ceo"),
    _P("hrd", "Amina Benali", "HR Director", "hr", "ceo"),
    _P("coo", "Thomas Berger", "Chief Operating Officer", "operations", "ceo"),
    _P("sales_dir", "Lucia Ferraro", "Sales Director", "sales", "ceo"),
    _P("cs_dir", "David Mensah", "Customer Service Director", "customer-service", "ceo"),
    # CDO office; the data team sits in the IT budget but reports to the CDO.
    _P("nora", "Nora Lindqvist", "Digital Portfolio Manager", None, "cdo"),
    _P("karim", "Karim Haddad", "Head of Data & Analytics", "it", "cdo"),
    _P("elise", "Élise Fournier", "Data Scientist", "it", "karim"),
    _P("paul", "Paul Nguyen", "Digital Experiments Lead", None, "nora"),
    # IT
    _P("ravi", "Ravi Sharma", "Head of Enterprise Architecture", "it", "cio"),
    _P("sofia", "Sofia Almeida", "Head of Business Applications", "it", "cio"),
    _P("jan", "Jan de Vries", "Head of Infrastructure & Security", "it", "cio"),
    _P("chloe", "Chloé Martin", "Integration Lead", "it", "ravi"),
    _P("mehdi", "Mehdi Saïdi", "ERP Product Owner", "it", "sofia"),
    _P("anna", "Anna Novak", "Web Platform Lead", "it", "sofia"),
    _P("lars", "Lars Eriksson", "Security Engineer", "it", "jan"),
    # Marketing
    _P("camille", "Camille Leroy", "Head of E-commerce", "marketing", "cmo"),
    _P("oliver", "Oliver Grant", "Head of Brand & Content", "marketing", "cmo"),
    _P("yasmine", "Yasmine Kaci", "CRM & Loyalty Manager", "marketing", "cmo"),
    _P("hugo", "Hugo Lambert", "E-commerce Product Owner", "marketing", "camille"),
    _P("mia", "Mia Schneider", "Pricing & Personalisation Analyst", "marketing", "camille"),
    _P("tomas", "Tomás Ortega", "Loyalty Programme Lead", "marketing", "yasmine"),
    _P("lea", "Léa Girard", "Product Content Manager", "marketing", "oliver", active=False),
    # Finance
    _P("pierre", "Pierre Vidal", "Financial Controller", "finance", "cfo"),
    _P("greta", "Greta Hoffmann", "Head of Compliance", "finance", "cfo"),
    _P("ahmed", "Ahmed Touré", "Procurement Manager", "finance", "cfo"),
    _P("sara", "Sara Costa", "FP&A Analyst", "finance", "pierre"),
    _P("benoit", "Benoît Garnier", "Accounts Payable Lead", "finance", "pierre"),
    _P("nadia", "Nadia Petrova", "Compliance Officer", "finance", "greta"),
    # HR
    _P("emma", "Emma Wilson", "Talent & Mobility Manager", "hr", "hrd"),
    _P("rachid", "Rachid Amrani", "HR Operations Manager", "hr", "hrd"),
    _P("zoe", "Zoé Blanc", "Learning & Development Lead", "hr", "hrd"),
    _P("kenji", "Kenji Sato", "HRIS Analyst", "hr", "rachid"),
    _P("ines", "Inès Moreau", "Recruiter", "hr", "emma"),
    _P("agnes", "Agnès Roy", "Payroll Specialist", "hr", "rachid"),
    # Operations
    _P("marc", "Marc Lefebvre", "Supply Chain Director", "operations", "coo"),
    _P("eva", "Eva Horvat", "Head of Logistics", "operations", "coo"),
    _P("luis", "Luis Romero", "Store Operations Manager", "operations", "coo"),
    _P("hanna", "Hanna Berg", "Quality & Supplier Manager", "operations", "coo"),
    _P("felix", "Félix Gauthier", "Demand Planner", "operations", "marc"),
    _P("clara", "Clara Dupont", "Inventory Analyst", "operations", "marc"),
    _P("olga", "Olga Ivanova", "Warehouse Manager", "operations", "eva"),
    _P("bruno", "Bruno Silva", "Transport Planner", "operations", "eva"),
    # Sales
    _P("matteo", "Matteo Bianchi", "Head of Trade Sales", "sales", "sales_dir"),
    _P("julie", "Julie Perrin", "Retail Sales Manager", "sales", "sales_dir"),
    _P("adrien", "Adrien Colin", "Sales Operations Manager", "sales", "sales_dir"),
    _P("priya", "Priya Patel", "Inside Sales Lead", "sales", "matteo"),
    _P("etienne", "Étienne Faure", "Regional Store Sales Lead", "sales", "julie"),
    _P("noah", "Noah Keller", "Sales Analyst", "sales", "adrien", active=False),
    # Customer service
    _P("fatou", "Fatou Diallo", "Contact Centre Manager", "customer-service", "cs_dir"),
    _P("jonas", "Jonas Weber", "Customer Care Quality Manager", "customer-service", "cs_dir"),
    _P("alice", "Alice Renard", "Self-service & Knowledge Manager", "customer-service", "cs_dir"),
    _P("omar", "Omar Belkacem", "Team Leader, Tier 1", "customer-service", "fatou"),
    _P("sophie", "Sophie Laurent", "Team Leader, Tier 2", "customer-service", "fatou"),
    _P("daniel", "Daniel Mendes", "Workforce Planner", "customer-service", "fatou"),
    _P("lina", "Lina Moretti", "Knowledge Base Editor", "customer-service", "alice"),
)

_CS = "customer-service"
_K = KpiSpec
KPIS: tuple[KpiSpec, ...] = (
    # customer
    _K("NPS", "Net Promoter Score", "customer", "points", "increase",
       (_CS, "marketing", "sales"), 18, 35,
       "Promoters minus detractors among customers surveyed after a purchase or a contact.",
       "Post-purchase survey"),
    _K("CONVERSION", "E-commerce conversion rate", "customer", "%", "increase",
       ("marketing",), 1.9, 2.6, "Web shop sessions that end with an order.", "Web analytics"),
    _K("CHURN", "Customer churn rate", "customer", "%", "decrease",
       ("marketing", "sales", _CS), 24, 18,
       "Customers active twelve months ago who bought nothing in the last twelve months.",
       "CRM"),
    _K("CSAT", "Contact-centre satisfaction", "customer", "%", "increase", (_CS,), 78, 88,
       "Customers rating their contact 4 or 5 out of 5.", "Post-contact survey"),
    _K("REPEAT-RATE", "Repeat purchase rate", "customer", "%", "increase",
       ("marketing", "sales"), 31, 38,
       "Customers with a second purchase within six months of the first.", "CRM"),
    _K("LOYALTY-ACTIVE", "Active loyalty members", "customer", "thousand members", "increase",
       ("marketing",), 410, 600, "Loyalty members who earned points in the last 90 days.",
       "Loyalty platform"),
    _K("PROMISE-KEPT", "Orders delivered on the promised date", "customer", "%", "increase",
       ("operations", _CS), 86, 95,
       "Home deliveries and click & collect orders ready on the date promised at checkout.",
       "Order management system"),
    # employee
    _K("AGENT-TOOL-SAT", "Agent tooling satisfaction", "employee", "score /10", "increase",
       (_CS, "it", "hr"), 4.8, 7.5,
       "Contact-centre agents' rating of their tools in the monthly pulse survey.",
       "Agent pulse survey"),
    _K("INTERNAL-MOBILITY", "Internal mobility rate", "employee", "%", "increase", ("hr",),
       6, 12, "Positions filled by an internal candidate.", "HRIS", cadence="quarterly"),
    _K("ENPS", "Employee Net Promoter Score", "employee", "points", "increase", ("hr",),
       -8, 10, "Promoters minus detractors in the engagement survey.", "Engagement survey",
       cadence="quarterly"),
    _K("STORE-TOOL-SAT", "Store staff digital tools satisfaction", "employee", "score /10",
       "increase", ("operations", "it"), 5.1, 7.0,
       "Store staff rating of the terminals, handhelds and apps they work with.",
       "Store pulse survey", last_measured=6),
    _K("TRAINING-COMPLETION", "Digital skills training completion", "employee", "%",
       "increase", ("hr",), 42, 70,
       "Staff who completed the digital skills path assigned to their role.",
       "Learning platform", cadence="quarterly", trend="flat"),
    _K("ONBOARDING-DAYS", "Time to productivity for new hires", "employee", "days",
       "decrease", ("hr", "operations"), 45, 30,
       "Days until a new hire works without a buddy, as rated by their manager.",
       "HRIS and manager survey", cadence="quarterly"),
    # operations
    _K("STOCKOUT", "Stock-out rate", "operations", "%", "decrease",
       ("operations", "sales", "marketing"), 7.5, 4.0,
       "Store and web references with zero available stock at opening time.",
       "Warehouse management system"),
    _K("ORDER-CYCLE", "Order cycle time", "operations", "days", "decrease",
       ("operations", "sales"), 4.2, 2.5, "Days from order to delivery or collection.",
       "Order management system"),
    _K("REKEY-HOURS", "Manual re-keying between business apps", "operations", "hours / month",
       "decrease", ("it", "finance", "operations"), 1900, 600,
       "Hours spent typing the same order, price or supplier data into another application.",
       "Time-tracking sample"),
    _K("FCR", "First-contact resolution", "operations", "%", "increase", (_CS,), 64, 78,
       "Customer contacts solved without a second contact within seven days.",
       "Contact-centre platform"),
    _K("DOC-VALIDATION-TIME", "Compliance document validation lead time", "operations",
       "days", "decrease", ("finance",), 9, 2,
       "Days from receiving a supplier or trade-customer document to its validation.",
       "Compliance tracker", last_measured=5),
    _K("FORECAST-ACCURACY", "Demand forecast accuracy", "operations", "%", "increase",
       ("operations", "sales"), 68, 82,
       "One minus the weighted absolute forecast error at week and product level.",
       "Planning tool"),
    _K("AHT", "Average handling time", "operations", "minutes", "decrease", (_CS,), 9.5, 7.0,
       "Talk, hold and wrap-up time per contact-centre call.", "Contact-centre platform"),
    # financial
    _K("COST-TO-SERVE", "Cost to serve per order", "financial", "EUR", "decrease",
       ("finance", "operations", _CS), 14.8, 11.5,
       "Picking, delivery, customer-service and administration cost per order.",
       "Management accounts"),
    _K("BUDGET-ACCURACY", "Budget forecast accuracy", "financial", "%", "increase",
       ("finance",), 82, 95, "One minus the gap between the month-ahead forecast and actuals.",
       "Finance"),
    _K("CLOSE-DAYS", "Monthly close duration", "financial", "working days", "decrease",
       ("finance",), 9, 5, "Working days to close the month's books.", "Finance"),
    _K("ONLINE-REVENUE", "Online revenue share", "financial", "%", "increase",
       ("marketing", "sales"), 14, 22, "Web shop and trade portal revenue over total revenue.",
       "Sales ledger"),
    _K("INVENTORY-DAYS", "Days of inventory on hand", "financial", "days", "decrease",
       ("finance", "operations"), 96, 75, "Stock value over the average daily cost of sales.",
       "ERP"),
)  # fmt: skip

# (driver, driven): employee experience and operations behind the customer KPIs.
DRIVERS: tuple[tuple[str, str], ...] = (
    ("AGENT-TOOL-SAT", "CSAT"),
    ("AGENT-TOOL-SAT", "NPS"),
    ("AGENT-TOOL-SAT", "FCR"),
    ("STORE-TOOL-SAT", "NPS"),
    ("FCR", "CSAT"),
    ("CSAT", "NPS"),
    ("NPS", "CHURN"),
    ("PROMISE-KEPT", "NPS"),
    ("STOCKOUT", "CONVERSION"),
    ("STOCKOUT", "PROMISE-KEPT"),
    ("ORDER-CYCLE", "PROMISE-KEPT"),
    ("REKEY-HOURS", "ORDER-CYCLE"),
    ("DOC-VALIDATION-TIME", "ORDER-CYCLE"),
    ("FORECAST-ACCURACY", "STOCKOUT"),
    ("FORECAST-ACCURACY", "INVENTORY-DAYS"),
    ("INTERNAL-MOBILITY", "ENPS"),
    ("AHT", "COST-TO-SERVE"),
)
