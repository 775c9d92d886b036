// refund.cpp - a billing adjustment (refund) with the C++ API, end to end:
// find the agreement -> list its invoices -> plan -> preview -> submit -> wait.
//
//   example-refund JOURNAL [AGREEMENT_ID INVOICE_ID AMOUNT]
//
// Defaults: the simulator's seed (tests/simulator/README.md): buyer 210987654321, agreement
// agmt-7Q2mXk9RbT4vNc8LpW3sYd5H, invoice E2E20260105a108cfae, 100.00 USD. The endpoint is
// $MPADJUST_SIM_ENDPOINT when set, else the usual AWS settings; credentials and region come from
// the default chain. Exits 0 when the refund is COMPLETED. Re-running with the same journal
// never refunds twice.
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <mpadjust/adjustment.hpp>
#include <mpadjust/client.hpp>
#include <mpadjust/journal.hpp>

int main(int argc, char** argv) {
  if (argc != 2 && argc != 5) {
    std::cerr << "usage: " << argv[0] << " JOURNAL [AGREEMENT_ID INVOICE_ID AMOUNT]\n";
    return 2;
  }
  const std::string journal_path = argv[1];
  const std::string agreement_id = argc == 5 ? argv[2] : "agmt-7Q2mXk9RbT4vNc8LpW3sYd5H";
  const std::string invoice_id = argc == 5 ? argv[3] : "E2E20260105a108cfae";
  const std::string amount = argc == 5 ? argv[4] : "100.00";
  try {
    mpadjust::client_config cfg;
    if (const char* e = std::getenv("MPADJUST_SIM_ENDPOINT")) cfg.endpoint = e;
    mpadjust::client c(cfg);

    // 1. Every agreement of the buyer; the caller chooses (here: by ID).
    mpadjust::agreement_query q;
    q.buyer_account_id = "210987654321";
    const mpadjust::agreement_lookup found = mpadjust::find_agreement(c, q);
    std::cout << mpadjust::format_candidates(found.candidates) << "\n";
    bool listed = false;
    for (const auto& a : found.candidates) listed = listed || a.agreement_id == agreement_id;
    if (!listed) {
      std::cerr << "agreement " << agreement_id << " is not among the candidates\n";
      return 1;
    }

    // 2. Its invoices, and the one to refund.
    const auto invoices = mpadjust::list_invoices(c, agreement_id);
    std::cout << mpadjust::format_invoices(invoices) << "\n";
    const mpadjust::invoice_info& invoice = mpadjust::select_invoice(invoices, invoice_id);

    // 3. The plan, checked against live data and frozen.
    mpadjust::entry_spec e;
    e.agreement_id = agreement_id;
    e.invoice_id = invoice.invoice_id;
    e.amount = amount;
    e.currency = invoice.currency_code;
    e.reason_code = "INCORRECT_METERING";
    e.description = "Usage meter double-counted API calls from 2026-01-03 to 2026-01-05 (case 17345)";
    e.details.support_case_id = "17345";
    mpadjust::plan_options po;
    po.strict_reasons = true;
    const mpadjust::plan p = mpadjust::resolve_plan({e}, mpadjust::client_facts(c), po);

    // 4. Preview: exactly what will be sent.
    std::cout << mpadjust::preview_text(p) << "\n";

    // 5. Submit (journaled before and after each call), 6. wait for the final status.
    mpadjust::journal_writer journal = mpadjust::journal_writer::open(journal_path);
    std::vector<mpadjust::entry_result> results = mpadjust::submit(c, p, journal);
    mpadjust::wait_options wo;
    wo.timeout = std::chrono::minutes(2);
    mpadjust::wait(c, results, journal, wo);
    std::cout << mpadjust::format_results(results) << "\n";
    for (const auto& r : results) {
      if (r.status != "COMPLETED") return 1;
    }
    return results.empty() ? 1 : 0;
  } catch (const mpadjust::plan_error& err) {
    std::cerr << "plan refused (nothing was sent):\n";
    for (const auto& problem : err.problems()) std::cerr << "  " << problem << "\n";
    return 1;
  } catch (const mpadjust::error& err) {
    std::cerr << "error (status " << err.status() << "): " << err.what() << "\n";
    return 1;
  }
}
