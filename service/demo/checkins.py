"""The demo check-ins: the story of each started initiative, oldest first.

Each beat is (health, summary, blockers, next steps). The loader spaces them a few
weeks apart, ending recently for work in progress (or long ago for stale ones) and at
the end date for finished or stopped work.
"""

Beat = tuple[str, str, str, str]

KICK_OFF: Beat = (
    "green",
    "Kick-off held: team staffed, scope and first milestones agreed with the sponsor.",
    "",
    "Deliver the first increment to pilot users.",
)

BEATS: dict[str, tuple[Beat, ...]] = {
    "INI-001": (
        ("green", "Scan events live for 14 of 38 suppliers; first in-transit view shared with "
         "planners.", "", "Onboard the next ten suppliers and add store delivery scans."),
        ("amber", "Warehouse receipt scans integrated; two strategic suppliers still send "
         "spreadsheets.", "Two strategic suppliers have no EDI link.",
         "Offer them the supplier web portal as a fallback."),
        ("green", "In-transit stock visible for 70% of volume; stock-outs in the pilot region "
         "down from 7.5% to 6.1%.", "", "Roll out re-routing alerts to every store manager."),
    ),
    "INI-002": (
        ("green", "Tool configured; finance and IT budget holders entered their first forecast "
         "in it.", "", "Train the operations and sales budget holders."),
        ("amber", "Sales budget holders still send spreadsheets alongside the tool.",
         "Sales cost centres do not map one-to-one to the ledger.",
         "Agree the cost-centre mapping with the sales director."),
        ("green", "32 of 40 budget holders forecast in the tool; consolidation took 3 days "
         "instead of 6.", "", "Retire the spreadsheet template for the next cycle."),
    ),
    "INI-004": (
        ("green", "Classification reaches 94% accuracy on supplier certificates.", "",
         "Add trade-customer identity files."),
        ("amber", "Registry look-ups for trade customers are rate-limited by the provider.",
         "The registry API allows 500 calls a day.", "Batch the look-ups overnight."),
        ("amber", "Trade files validated in 4 days in the pilot, but officers stopped "
         "reporting lead times in the tracker.", "The compliance tracker lost its owner.",
         "Name an owner for the lead-time figures."),
    ),
    "INI-005": (
        ("green", "Integration hub in production; price flow from the ERP to tills and the web "
         "shop is live.", "", "Product master data flow."),
        ("amber", "Product flow delayed: the ERP has three conflicting product identifiers.",
         "No agreed golden record for products.",
         "Data-ownership workshop with operations and marketing."),
        ("green", "Product and price flows live; re-keying down to about 1,400 hours a month.",
         "", "Start the supplier flow with accounts payable."),
    ),
    "INI-006": (
        ("green", "Recommendations live on product pages; A/B test running on 20% of traffic.",
         "", "Extend to the home page."),
        ("green", "A/B test shows +0.2 point of conversion in the test group.", "",
         "Roll out to all traffic and add recommendations to e-mails."),
        ("amber", "Home-page personalisation blocked by consent gaps.",
         "40% of profiles have no marketing consent recorded.",
         "Wait for the consent module of the customer data platform."),
    ),
    "INI-007": (
        ("green", "The bot answers order status from live data; 28% of chats solved without an "
         "agent.", "", "Add delivery slot changes."),
        ("green", "Delivery slot changes live; 37% of chats solved without an agent.", "",
         "Hand-over to agents with the conversation attached."),
        ("amber", "Hand-over works, but agents cannot see the chat in their current tools.",
         "Waiting for the agent desktop release.",
         "Agree a shared customer panel with the agent desktop team."),
    ),
    "INI-008": (
        ("green", "Customer and order panels live for a Tier 1 pilot team of 20 agents.", "",
         "Add deliveries and returns."),
        ("amber", "Returns panel waits for the returns API from operations.",
         "The returns API is not in the operations backlog.",
         "Raise it at the portfolio review with the COO and the CDO."),
        ("green", "Pilot agents handle calls 50 seconds faster and rate the desktop 6.2/10.",
         "", "Extend to Tier 2 next quarter."),
    ),
    "INI-009": (
        ("green", "App published on both stores; 38,000 downloads in the first month.", "",
         "Personal offers."),
        ("green", "Personal offers live; 22% of members now use the digital card in store.",
         "", "Push reminders for expiring points."),
        ("amber", "Cashiers report slow scanning of the digital card on older tills.",
         "Till firmware in 30 stores cannot read the app's barcode.",
         "Fund a till firmware update with store operations."),
    ),
    "INI-010": (
        ("green", "Contacts and accounts migrated from the sales tool; 140 sales users live.",
         "", "Migrate marketing audiences."),
        ("amber", "Marketing migration slipped a month: duplicate customers across tools.",
         "12% duplicates between the loyalty base and the sales tool.",
         "Run the matching rules agreed with the data team."),
        ("green", "Marketing live on the CRM; complaints from customer service now visible to "
         "sales.", "", "Connect the contact centre in the next release."),
    ),
    "INI-011": (
        ("green", "Consent recorded per purpose for web and app sign-ups.", "",
         "Reconcile store and loyalty profiles."),
        ("green", "Store, web and loyalty profiles matched for 2.1 million customers.", "",
         "Serve consented audiences to the e-mail tool."),
        ("amber", "Consent history for legacy profiles incomplete.",
         "40% of legacy profiles have no consent proof.",
         "Re-permission campaign with marketing."),
    ),
    "INI-012": (
        ("green", "Store stock shown on product pages for 40 pilot stores.", "",
         "Add in-transit deliveries to the availability estimate."),
        ("amber", "Availability shown as 'in stock' for items still on the truck.",
         "Transit feed only covers 70% of suppliers.",
         "Show 'arriving tomorrow' until transit coverage improves."),
        ("green", "All 120 stores live; reserve-in-store used 4,000 times a week.", "",
         "Measure wasted trips through the store survey."),
    ),
    "INI-014": (
        ("green", "Returns in store live in five pilot stores.", "",
         "Refund on the spot for card payments."),
        ("amber", "Refunds for gift-card payments still need head-office approval.",
         "Gift-card platform has no refund API.", "Manual refund procedure meanwhile."),
        ("green", "30 stores live; 2,600 web returns taken in store last month.", "",
         "Roll out to every store before the spring season."),
    ),
    "INI-015": (
        ("green", "Stock lookup app on 300 handhelds in the pilot region.", "",
         "Add click & collect picking."),
        ("green", "Click & collect picking from the aisle live in the pilot stores.", "",
         "Price checks and customer orders."),
        ("amber", "Handheld batteries do not last a full Saturday shift.",
         "Battery replacement not budgeted.", "Ask store operations for spare batteries."),
    ),
    "INI-016": (
        ("green", "Two-hour pick-up live in eight stores around Lyon.", "",
         "Text message when the order is ready."),
        ("green", "87% of two-hour orders ready on time in the pilot.", "",
         "Extend to 40 stores."),
        ("amber", "Stores short of staff on Sundays miss the two-hour promise.",
         "Sunday staffing not planned for picking.",
         "Cap two-hour slots to the staff on duty."),
    ),
    "INI-019": (
        ("amber", "Showroom online; 1,900 visits in five months, mostly employees and the "
         "agency.", "Almost no visits from customers.", "Decide at the experiment review."),
        ("red", "Stopped at the experiment review: no measurable sale.", "",
         "Reuse the 3D product models on product pages; record lessons learned."),
    ),
    "INI-021": (
        ("green", "Optimised rounds for the northern depot; 11% fewer kilometres.", "",
         "Two-hour windows for customers."),
        ("green", "Two-hour windows live; failed deliveries down from 14% to 9%.", "",
         "Extend to the southern depot."),
        ("green", "Both depots optimised; drivers get rounds on their phone.", "",
         "Share live arrival estimates with the notification service."),
    ),
    "INI-022": (
        ("green", "Day-before text with a two-hour window sent for all home deliveries.", "",
         "Live arrival estimate on delivery day."),
        ("green", "Live estimate in the app; 'where is my delivery' calls down 30%.", "",
         "Let customers reschedule from the message."),
        ("amber", "Rescheduling needs a change in the route planning tool.",
         "Route tool cannot re-plan after 6 pm.", "Agree a cut-off time with transport."),
    ),
    "INI-023": (
        ("green", "Top 100 questions rewritten with an owner each.", "",
         "Search from the agent desktop."),
        ("green", "Knowledge base searchable from the agent desktop pilot.", "",
         "Feed the chatbot with the same answers."),
        ("green", "Chatbot now answers from the knowledge base; 310 articles published.", "",
         "Review the least-used articles with team leaders."),
    ),
    "INI-024": (
        ("green", "Half-hour forecasts in use; Monday queue down to 6 minutes.", "",
         "Shift swaps in the self-service app."),
        ("green", "Done: schedules follow the forecast and agents swap shifts themselves; "
         "Monday queue under 4 minutes.", "", "Hand over to the workforce planner."),
    ),
    "INI-025": (
        ("green", "Online contract signature and day-one accounts for warehouse hires.", "",
         "Extend to stores."),
        ("green", "Done: every new hire has accounts and badge on day one; time to "
         "productivity down from 45 to 36 days.", "", "Hand over to HR operations."),
    ),
    "INI-026": (
        ("amber", "Bot live on the intranet; answers 22% of questions.",
         "The bot cannot read personal data from the HRIS.",
         "Decide whether to continue at the experiment review."),
        ("red", "Stopped at the experiment review: personal questions need HRIS access.", "",
         "Publish the FAQ on the intranet; record lessons learned."),
    ),
    "INI-027": (
        ("green", "Learning paths published for store, warehouse and office roles.", "",
         "Certificates and monthly training hour."),
        ("amber", "Done: every path is published, but completion is flat: managers do not "
         "release the training hour.", "Stores do not plan the training hour.",
         "Raise training time with store operations."),
    ),
    "INI-028": (
        ("green", "Matching rules agreed with accounts payable and the top 50 suppliers.", "",
         "Build the matching on the current ERP."),
        ("amber", "Put on hold: matching needs the purchasing module of the new ERP.",
         "ERP finance upgrade not started yet.", "Resume when the ERP upgrade reaches "
         "purchasing."),
    ),
    "INI-029": (
        ("green", "Certified e-invoicing platform selected.", "",
         "Connect accounts receivable."),
        ("amber", "Receivable flow tested; payable flow waits for the ERP upgrade.",
         "Payables need the new ERP purchasing module.",
         "Interim manual upload for supplier invoices."),
        ("green", "First 200 trade-customer invoices sent through the platform.", "",
         "Supplier onboarding campaign."),
    ),
    "INI-031": (
        ("green", "Cloud platform provisioned; first two databases copied.", "",
         "Copy the remaining databases."),
        ("amber", "Eleven databases copied; no team uses them yet.",
         "No analytics use case identified.", "Ask departments for use cases."),
        ("amber", "Storage costs above plan; still looking for a first use case.",
         "No business sponsor.", "Portfolio review to decide the next step."),
    ),
    "INI-032": (
        ("green", "Multi-factor authentication enforced for IT and finance accounts.", "",
         "Stores and warehouse accounts."),
        ("green", "First phishing simulation: 18% of staff clicked, down from 31%.", "",
         "Report-phishing button in the mail client."),
        ("green", "92% of accounts protected; insurer's requirement met.", "",
         "Shared store accounts replaced by personal ones."),
    ),
    "INI-033": (
        ("green", "Dashboard live for two regions.", "", "Connect the remaining regions."),
        ("green", "Done: the Monday pipeline review runs from the dashboard.", "",
         "Hand over to sales operations."),
    ),
    "INI-034": (
        ("amber", "Voice ordering offered to 400 trade customers; 12 used it.",
         "Dictated product references are misunderstood.",
         "Interview trade customers about how they reorder."),
        ("red", "Stopped: customers want a reorder button, not voice.", "",
         "Move the reorder need to the trade customer ordering portal."),
    ),
    "INI-035": (
        ("green", "Product hub selected; 5,000 garden products loaded.", "",
         "Feed the web shop from the hub."),
        ("amber", "Web shop feed live for garden; catalogue feed not started.",
         "The product content manager is leaving.", "Hand over ownership before leaving."),
        ("red", "Catalogue and shelf-label feeds stalled since the owner left.",
         "No owner.", "The CMO to name a new owner."),
    ),
    "INI-039": (
        ("green", "Handheld payment tested in two garden centres.", "",
         "Extend to the spring season stores."),
        ("amber", "Payment terminals drop the connection in outdoor garden areas.",
         "Wi-Fi does not cover outdoor areas.", "Survey Wi-Fi coverage with IT."),
        ("amber", "Wi-Fi survey done in 10 stores; budget for access points not approved.",
         "Access points not budgeted.", "Budget request to the COO."),
    ),
    "INI-040": (
        ("green", "Claim form live for the warehouse; 60 suppliers invited.", "",
         "Open the claim form to stores."),
        ("green", "Stores file claims with photos; suppliers answer within 3 days on average.",
         "", "Certificate upload and supplier scorecard."),
        ("green", "First supplier scorecards shared with buyers.", "",
         "Quarterly business reviews based on the scorecard."),
    ),
}  # fmt: skip
