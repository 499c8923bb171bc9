"""Generate the bundled sample contracts in samples/ as real PDFs (reportlab) and one DOCX.

Every word here was written for this project. Run: python scripts/make_samples.py
(`make samples`). The PDFs are committed so `make demo` needs nothing but the package;
reportlab's invariant mode makes the output byte-for-byte reproducible.
"""

from __future__ import annotations

from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "samples"

SAMPLES = {
    "01_staff_augmentation_northwind.pdf": (
        """STAFF AUGMENTATION SERVICES AGREEMENT
This Staff Augmentation Services Agreement is made between Harbor Freight Logistics Inc. ("Client") and Northwind Talent Partners LLC ("Supplier").
1. Services
1.1 Supplier shall provide qualified personnel ("Assigned Personnel") in the labor categories listed in Schedule 1 to augment Client's internal software team.
1.2 Assigned Personnel shall perform their work under the direction and supervision of Client, shall report to Client's engineering manager, and shall observe Client's working hours and work rules.
1.3 Client may interview and approve candidates before placement and may at any time request the removal or replacement of any Assigned Personnel; Supplier shall provide a replacement within five (5) business days.
2. Fees
2.1 Client shall pay Supplier for hours actually worked at the hourly rates set out in Schedule 1, based on timesheets approved weekly by Client.
2.2 Overtime requires Client's prior written approval.
3. Results
3.1 Client is solely responsible for the supervision of Assigned Personnel and for the results of their work. Supplier does not warrant any particular outcome.
4. Intellectual Property
4.1 All work product created by Assigned Personnel shall be work made for hire and the sole property of Client.
5. Conversion
5.1 If Client hires any Assigned Personnel as an employee within twelve (12) months of placement, Client shall pay a conversion fee of fifteen percent (15%) of first-year salary.
6. Term and Termination
6.1 Either party may terminate this Agreement for convenience upon fifteen (15) days' written notice.
Schedule 1 Rate Card""",
        [
            ["Role", "Rate", "Unit"],
            ["Senior Java Developer", "$135.00", "per hour"],
            ["QA Analyst", "$85.00", "per hour"],
            ["Scrum Master", "$120.00", "per hour"],
        ],
    ),
    "02_project_outsourcing_portal.pdf": (
        """STATEMENT OF WORK No. 4 - CUSTOMER PORTAL REBUILD
This Statement of Work is issued under the Master Services Agreement between Alder County Water Authority ("Customer") and Brightline Digital Ltd ("Vendor").
1. Scope and Deliverables
1.1 Vendor shall design, build and deliver a new customer self-service portal conforming to the functional specification in Annex A.
1.2 Deliverables: (a) solution design document; (b) tested portal release candidate; (c) data migration of existing accounts; (d) operations handbook.
1.3 Vendor shall appoint a dedicated project manager and shall determine the means and methods of performing the work. Vendor shall supervise its own personnel.
2. Acceptance
2.1 Each Deliverable is subject to acceptance testing against the acceptance criteria in Annex A. Customer shall accept or reject each Deliverable within ten (10) business days; Vendor shall correct any non-conformity and resubmit.
3. Price and Payment
3.1 The total fixed price for the Services is $480,000, payable on acceptance of milestones as follows:""",
        [
            ["Milestone", "Deliverable", "Payment"],
            ["M1", "Design document accepted", "20% of Fixed Price"],
            ["M2", "Release candidate accepted after UAT", "50% of Fixed Price"],
            ["M3", "Go-live and final acceptance", "30% of Fixed Price"],
        ],
    ),
    "03_managed_services_helpdesk.pdf": (
        """MANAGED SERVICES AGREEMENT
This Managed Services Agreement is made between Pinecrest Health Clinics ("Customer") and Corvid Managed IT Inc. ("Provider").
1. Services
1.1 Provider shall operate Customer's IT service desk 24x7 and provide network monitoring, patch management and incident management for Customer's infrastructure.
1.2 Provider is responsible for the management and supervision of its personnel and determines the methods used to deliver the Services.
2. Service Levels
2.1 Provider shall maintain 99.9% monthly availability of the managed network and shall respond to Severity 1 incidents within 30 minutes and resolve them within 4 hours.
2.2 If Provider fails to meet a Service Level in any month, Customer shall receive service credits of 5% of the monthly service fee for each failure; chronic failure entitles Customer to terminate.
3. Fees
3.1 Customer shall pay a monthly service fee calculated per device as set out below.
4. Term
4.1 The initial term is three (3) years and shall renew automatically for successive one-year terms unless either party gives ninety (90) days' notice of non-renewal.
4.2 On expiry or termination Provider shall provide exit assistance and knowledge transfer to any successor provider.
5. Intellectual Property
5.1 Provider retains all rights in its pre-existing tools and methodologies.
Schedule 1 Fees""",
        [
            ["Service", "Price", "Unit"],
            ["Managed workstation", "$45.00", "per device per month"],
            ["Managed server", "$210.00", "per device per month"],
            ["Service desk", "$12.00", "per user per month"],
        ],
    ),
    "04_out_of_scope_licence.pdf": (
        """SOFTWARE LICENSE AGREEMENT
This Software License Agreement is made between Quillon Software AB ("Licensor") and Redwood Mutual Insurance ("Licensee").
1. License Grant
1.1 Licensor hereby grants Licensee a non-exclusive, non-transferable license to install and use the Quillon Rating Engine software in object code form for its internal business purposes.
2. License Fees
2.1 Licensee shall pay a one-time license fee of $250,000 and an annual royalty of 2% of net premiums rated with the software.
3. Delivery
3.1 Licensor shall deliver the software on electronic media. Title to the media passes on delivery; title to the software remains with Licensor.
4. Term
4.1 The license is perpetual unless terminated for material breach.""",
        None,
    ),
    "05_mismatch_managed_label_body_shop.pdf": (
        """MANAGED SERVICES AGREEMENT
This Managed Services Agreement is entered into between Sterling Retail Group plc ("Client") and Apex Resourcing Ltd ("Vendor"), under which Vendor shall provide managed services.
1. Resources
1.1 Vendor shall provide four (4) full-time developers and one business analyst, named in Schedule 1, who shall work under the direction and supervision of Client's IT manager and follow Client's working hours.
1.2 Client may require the replacement of any individual at any time; Vendor shall provide a substitute within ten (10) business days at no charge.
2. Charges
2.1 Client shall pay for hours worked at the daily rates in Schedule 1, invoiced monthly from approved timesheets.
3. Results
3.1 Client remains responsible for supervision and for the results of the work performed.
4. Term
4.1 This Agreement continues until terminated by either party for convenience on thirty (30) days' written notice.
Schedule 1 Personnel and Rates""",
        [
            ["Role", "Name", "Rate", "Unit"],
            ["Senior Developer", "A. Okafor", "$820.00", "per day"],
            ["Developer", "L. Brandt", "$640.00", "per day"],
            ["Business Analyst", "M. Ruiz", "$700.00", "per day"],
        ],
    ),
}


def build_pdf(path: Path, body: str, table) -> None:
    from reportlab import rl_config
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import LETTER
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    rl_config.invariant = 1  # reproducible bytes
    styles = getSampleStyleSheet()
    title, *rest = body.split("\n")

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(72, 40, f"Sample contract for contract-classifier - Page {doc.page}")
        canvas.restoreState()

    story = [Paragraph(title, styles["Title"])]
    for line in rest:
        story.append(Paragraph(line.replace("&", "&amp;"), styles["BodyText"]))
        story.append(Spacer(1, 4))
    if table:
        t = Table(table)
        t.setStyle(
            TableStyle(
                [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey)]
            )
        )
        story.append(t)
    story.append(Spacer(1, 24))
    sig = Table(
        [
            ["CLIENT / CUSTOMER", "VENDOR / PROVIDER"],
            ["By: ____________________", "By: ____________________"],
            ["Name: Authorised Signatory", "Name: Authorised Signatory"],
            ["Title: Director", "Title: Director"],
        ]
    )
    story.append(sig)
    SimpleDocTemplate(str(path), pagesize=LETTER, title=title, author="contract-classifier samples").build(
        story, onFirstPage=footer, onLaterPages=footer
    )


def build_docx(path: Path) -> None:
    import docx

    d = docx.Document()
    d.core_properties.title = "Consulting Agreement"
    d.add_heading("CONSULTING AGREEMENT", 0)
    for line in [
        'This Consulting Agreement is made between Meridian Labs Inc. ("Company") and Dana Whitfield ("Consultant").',
        "1. Services. Consultant shall provide advisory services as requested and directed by the Company from time to time.",
        "2. Compensation. Company shall pay Consultant $180 per hour for hours worked, invoiced monthly with a timesheet.",
        "3. Ownership. All work product is work made for hire and shall be the sole property of the Company.",
        "4. Termination. Either party may terminate this Agreement at any time for any reason on ten (10) days' written notice.",
    ]:
        d.add_paragraph(line)
    d.save(str(path))


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, (body, table) in SAMPLES.items():
        build_pdf(OUT / name, body, table)
    build_docx(OUT / "06_staff_augmentation_consultant.docx")
    print(f"wrote {len(SAMPLES) + 1} samples to {OUT}")


if __name__ == "__main__":
    main()
