// Refunding the upfront charge left in place by an Amendment to Business Offer (ABO).
//
// An ABO that moves a buyer from one upfront payment to monthly payments starts the monthly
// schedule but does not undo the invoice of the original upfront charge: the buyer would pay
// twice. This program refunds that invoice in full, with a reason that says so.
//
//   example-abo_refund AGREEMENT_ID UPFRONT_INVOICE_ID JOURNAL [--submit]
//
// Without --submit it only prints the preview (nothing is sent). Credentials, region and
// endpoint come from the usual AWS_* settings (AWS_ENDPOINT_URL_MARKETPLACE_AGREEMENT for a
// local simulator). Running it again never refunds twice: the saved plan and the journal make
// the second run a no-op.
#include <cctype>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include <mpadjust/adjustment.hpp>
#include <mpadjust/client.hpp>

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: " << argv[0] << " AGREEMENT_ID UPFRONT_INVOICE_ID JOURNAL [--submit]\n";
    return 2;
  }
  const std::string agreement_id = argv[1], invoice_id = argv[2], journal_path = argv[3];
  const bool send = argc > 4 && std::strcmp(argv[4], "--submit") == 0;
  try {
    mpadjust::client c;

    // 1. The agreement: its status is shown, and a non-ACTIVE one is flagged.
    mpadjust::agreement_query q;
    q.agreement_id = agreement_id;
    const auto lookup = mpadjust::find_agreement(c, q);
    std::cout << mpadjust::format_candidates(lookup.candidates);
    for (const auto& w : lookup.warnings) std::cout << "warning: " << w << "\n";

    // 2. The upfront invoice must exist and still be refundable.
    const auto invoices = mpadjust::list_invoices(c, agreement_id);
    const auto& inv = mpadjust::select_invoice(invoices, invoice_id);

    // 3-4. One entry, "full" = the invoice's current maxAdjustmentAmount, frozen in the plan.
    mpadjust::entry_spec e;
    e.agreement_id = agreement_id;
    e.invoice_id = invoice_id;
    e.amount = "full";
    e.currency = inv.currency_code;
    e.reason_code = "OTHER";
    e.description =
        "Amendment to Business Offer moved the buyer from upfront to monthly payments; the "
        "original upfront charge on this invoice was left in place and is refunded in full so "
        "the buyer is not billed twice.";
    mpadjust::plan_options o;
    o.plan_key = "abo-";  // one ABO refund per invoice, ever
    for (char ch : invoice_id) {
      if (std::isalnum(static_cast<unsigned char>(ch)) && o.plan_key.size() < 64) o.plan_key += ch;
    }
    // The plan is frozen: saved beside the journal and reused by every later run, so a run
    // after a crash re-sends the same amount with the same token instead of re-resolving
    // "full" against a maximum its own first attempt may already have lowered.
    const std::string plan_path = journal_path + ".plan.json";
    mpadjust::plan p;
    if (std::ifstream saved{plan_path}) {
      std::stringstream text;
      text << saved.rdbuf();
      p = mpadjust::plan_from_json(text.str());
      std::cout << "using the saved plan " << plan_path << "\n";
    } else {
      p = mpadjust::resolve_plan({e}, mpadjust::client_facts(c), o);
      if (send) {
        std::ofstream out(plan_path);
        out << mpadjust::plan_to_json(p);
        if (!out.flush()) throw mpadjust::error(MPADJUST_EIO, "cannot write " + plan_path);
      }
    }

    // 5. Preview.
    std::cout << mpadjust::preview_text(p);
    if (!send) {
      std::cout << "(preview only: add --submit to send it)\n";
      return 0;
    }

    // 6-7. Submit with the journal, then wait for the final status.
    auto journal = mpadjust::journal_writer::open(journal_path);
    auto results = mpadjust::submit(c, p, journal);
    mpadjust::wait_options wo;
    wo.timeout = std::chrono::minutes(2);
    mpadjust::wait(c, results, journal, wo);
    std::cout << mpadjust::format_results(results);
    return results[0].status == "COMPLETED" ? 0 : 1;
  } catch (const mpadjust::plan_error& err) {
    std::cerr << err.what() << "\n";
    return 1;
  } catch (const mpadjust::error& err) {
    std::cerr << "error (" << err.status() << "): " << err.what() << "\n";
    return 1;
  }
}
