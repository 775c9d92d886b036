/*
 * refund.c - a billing adjustment (refund) through the C ABI, end to end:
 * find the agreement -> list its invoices -> plan -> preview -> submit -> wait.
 *
 *   example-c-refund JOURNAL [AGREEMENT_ID INVOICE_ID AMOUNT]
 *
 * Defaults: the simulator's seed (tests/simulator/README.md): buyer 210987654321, agreement
 * agmt-7Q2mXk9RbT4vNc8LpW3sYd5H, invoice E2E20260105a108cfae, 100.00 USD. The endpoint is
 * $MPADJUST_SIM_ENDPOINT when set, else the usual AWS settings; credentials and region come from
 * the default chain (AWS_ACCESS_KEY_ID, AWS_REGION, ~/.aws, ...). Exits 0 when the refund is
 * COMPLETED. Re-running with the same journal never refunds twice.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mpadjust.h>

static int fail(const char *what, mpadjust_status st) {
  fprintf(stderr, "%s: %s: %s\n", what, mpadjust_status_str(st), mpadjust_last_error_message());
  return 1;
}

/* Prints an owned buffer and disposes of it. */
static void print_buf(const char *title, mpadjust_buf *buf) {
  printf("== %s\n%s\n", title, buf->ptr != NULL ? buf->ptr : "");
  mpadjust_buf_dispose(buf);
}

static int run(mpadjust_client *client, const char *journal, const char *agreement_id,
               const char *invoice_id, const char *amount) {
  mpadjust_buf buf = MPADJUST_BUF_INIT;
  mpadjust_agreement_query query = MPADJUST_AGREEMENT_QUERY_INIT;
  mpadjust_entry entry = MPADJUST_ENTRY_INIT;
  mpadjust_plan *plan = NULL;
  mpadjust_results *results = NULL;
  mpadjust_status st;
  size_t i;
  int completed = 0;

  /* 1. Find the buyer's agreements: the library lists every candidate, we choose. */
  query.buyer_account_id = "210987654321";
  st = mpadjust_agreements_find(&buf, client, &query);
  if (st != MPADJUST_OK) return fail("find agreements", st);
  if (strstr(buf.ptr, agreement_id) == NULL) {
    fprintf(stderr, "agreement %s is not among the candidates:\n%s\n", agreement_id, buf.ptr);
    mpadjust_buf_dispose(&buf);
    return 1;
  }
  print_buf("candidate agreements", &buf);

  /* 2. Its invoices: the amount and what can still be refunded (pre-tax). */
  st = mpadjust_invoices_list(&buf, client, agreement_id, NULL);
  if (st != MPADJUST_OK) return fail("list invoices", st);
  print_buf("invoices", &buf);

  /* 3. The plan: checked against the live invoice, then frozen. */
  st = mpadjust_plan_new(&plan, NULL);
  if (st != MPADJUST_OK) return fail("plan", st);
  entry.agreement_id = agreement_id;
  entry.invoice_id = invoice_id;
  entry.amount = amount;
  entry.currency = "USD";
  entry.reason_code = "INCORRECT_METERING";
  entry.description = "Usage meter double-counted API calls from 2026-01-03 to 2026-01-05 (case 17345)";
  entry.support_case_id = "17345";
  st = mpadjust_plan_add_entry(plan, &entry);
  if (st == MPADJUST_OK) st = mpadjust_plan_resolve(plan, client, 1);
  if (st != MPADJUST_OK) {
    fail("plan", st); /* EINVALID: every problem, one per line, each naming its field */
    mpadjust_plan_free(plan);
    return 1;
  }

  /* 4. Preview: what will be sent (a refund cannot be undone). */
  st = mpadjust_plan_preview_text(&buf, plan);
  if (st != MPADJUST_OK) {
    mpadjust_plan_free(plan);
    return fail("preview", st);
  }
  print_buf("preview", &buf);

  /* 5. Submit (journaled before and after each call), then 6. wait for the final status. */
  st = mpadjust_plan_submit(&results, plan, client, journal, NULL);
  mpadjust_plan_free(plan);
  if (st != MPADJUST_OK) return fail("submit", st);
  st = mpadjust_results_wait(results, client, journal, 120000);
  if (st != MPADJUST_OK) fail("wait", st); /* results still hold what is known */

  for (i = 0; i < mpadjust_results_count(results); ++i) {
    const char *status = mpadjust_results_status(results, i);
    printf("%s %s %s: outcome %d, %s %s %s%s\n", mpadjust_results_invoice_id(results, i),
           mpadjust_results_amount(results, i), mpadjust_results_currency(results, i),
           (int)mpadjust_results_outcome(results, i),
           mpadjust_results_billing_adjustment_request_id(results, i), status,
           mpadjust_results_status_message(results, i), mpadjust_results_error_message(results, i));
    if (strcmp(status, "COMPLETED") == 0) ++completed;
  }
  i = mpadjust_results_count(results);
  mpadjust_results_free(results);
  return completed == (int)i && i > 0 ? 0 : 1;
}

int main(int argc, char **argv) {
  mpadjust_client_options opts = MPADJUST_CLIENT_OPTIONS_INIT;
  mpadjust_client *client = NULL;
  mpadjust_status st;
  int rc;
  const char *journal, *agreement_id, *invoice_id, *amount;

  if (argc != 2 && argc != 5) {
    fprintf(stderr, "usage: %s JOURNAL [AGREEMENT_ID INVOICE_ID AMOUNT]\n", argv[0]);
    return 2;
  }
  journal = argv[1];
  agreement_id = argc == 5 ? argv[2] : "agmt-7Q2mXk9RbT4vNc8LpW3sYd5H";
  invoice_id = argc == 5 ? argv[3] : "E2E20260105a108cfae";
  amount = argc == 5 ? argv[4] : "100.00";

  st = mpadjust_global_init();
  if (st != MPADJUST_OK) return fail("global init", st);
  opts.endpoint = getenv("MPADJUST_SIM_ENDPOINT"); /* NULL = the usual AWS endpoint */
  st = mpadjust_client_new(&client, NULL, NULL, &opts);
  if (st != MPADJUST_OK) {
    rc = fail("client", st);
  } else {
    rc = run(client, journal, agreement_id, invoice_id, amount);
    mpadjust_client_free(client);
  }
  mpadjust_global_cleanup();
  return rc;
}
