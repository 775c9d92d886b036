// A fake Agreement Service behind the transport interface, for the workflow's unit tests:
// answers DescribeAgreement, SearchAgreements, ListAgreementInvoiceLineItems,
// BatchCreateBillingAdjustmentRequest (lowering maxAdjustmentAmount, deduplicating client
// tokens) and GetBillingAdjustmentRequest from an in-memory state, and counts every request.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <mpadjust/adjustment.hpp>
#include <mpadjust/client.hpp>
#include <mpadjust/http.hpp>

namespace wf_fake {

struct invoice {
  std::string agreement_id, invoice_id, type, amount, max, currency;
};
struct agreement {
  std::string id, status, buyer, offer, product;
};
struct adjustment {
  std::string ba_id, agreement_id, invoice_id, amount, currency, token;
};

// Exact decimal arithmetic through mpadjust::amount (the fake needs a second opinion only on
// what it stores, not on how it subtracts).
inline std::string minus(const std::string& a, const std::string& b, const std::string& cur) {
  const auto r = mpadjust::amount::parse(a, "a") - mpadjust::amount::parse(b, "b");
  return mpadjust::money(r, mpadjust::currency::parse(cur, "c")).api_text();
}

class service : public mpadjust::transport {
 public:
  std::mutex mu;
  std::vector<agreement> agreements;
  std::vector<invoice> invoices;
  std::vector<adjustment> ledger;
  std::map<std::string, int> calls;  // by operation
  int total_calls = 0;
  // Called for BatchCreate before it is applied: return an HTTP status to fail the whole
  // call (0 = apply), e.g. to simulate a dropped connection (-1 = throw receive error after
  // applying).
  std::function<int(const rapidjson::Document&)> batch_fault;
  // Per-token rejection: token -> {code, message}.
  std::map<std::string, std::pair<std::string, std::string>> reject;

  static std::shared_ptr<service> seeded() {
    auto s = std::make_shared<service>();
    s->agreements = {
        {"agmt-A1", "ACTIVE", "210987654321", "offer-aaa", "prod-xxx"},
        {"agmt-A2", "ACTIVE", "210987654321", "offer-bbb", "prod-xxx"},
        {"agmt-EXP", "EXPIRED", "123456789012", "offer-ccc", "prod-yyy"},
        {"agmt-JP", "ACTIVE", "998877665544", "offer-ddd", "prod-zzz"},
    };
    s->invoices = {
        {"agmt-A1", "INV-1", "INVOICE", "1200.00", "1200.00", "USD"},
        {"agmt-A1", "INV-2", "INVOICE", "1080.00", "1000.00", "USD"},
        {"agmt-A1", "CM-1", "CREDIT_MEMO", "-80.00", "0.00", "USD"},
        {"agmt-A2", "INV-3", "INVOICE", "500.00", "500.00", "USD"},
        {"agmt-A2", "INV-4", "INVOICE", "89.90", "89.90", "EUR"},
        {"agmt-EXP", "INV-5", "INVOICE", "750.00", "750.00", "USD"},
        {"agmt-JP", "INV-JP", "INVOICE", "150000", "150000", "JPY"},
    };
    return s;
  }

  int count(const std::string& op) {
    std::lock_guard<std::mutex> l(mu);
    return calls[op];
  }

  mpadjust::http_response send(const mpadjust::http_request& req) override {
    std::string target;
    for (const auto& h : req.headers) {
      if (h.name == "X-Amz-Target" || h.name == "x-amz-target") target = h.value;
    }
    const std::string op = target.substr(target.find('.') + 1);
    rapidjson::Document in;
    in.Parse(req.body.c_str());
    std::unique_lock<std::mutex> l(mu);
    ++calls[op];
    ++total_calls;
    if (op == "DescribeAgreement") {
      const std::string id = in["agreementId"].GetString();
      for (const auto& a : agreements) {
        if (a.id == id) return ok(describe(a, false));
      }
      return fail(404, "ResourceNotFoundException", "Agreement " + id + " not found");
    }
    if (op == "SearchAgreements") {
      std::string out = "{\"agreementViewSummaries\":[";
      bool first = true;
      std::map<std::string, std::string> f;
      for (const auto& x : in["filters"].GetArray()) f[x["name"].GetString()] = x["values"][0].GetString();
      for (const auto& a : agreements) {
        if (f.count("AcceptorAccountId") && f["AcceptorAccountId"] != a.buyer) continue;
        if (f.count("OfferId") && f["OfferId"] != a.offer) continue;
        if (f.count("ResourceIdentifier") && f["ResourceIdentifier"] != a.product) continue;
        if (f.count("Status") && f["Status"] != a.status) continue;
        out += (first ? "" : ",") + describe(a, true);
        first = false;
      }
      return ok(out + "]}");
    }
    if (op == "ListAgreementInvoiceLineItems") {
      const std::string id = in["agreementId"].GetString();
      bool known = false;
      for (const auto& a : agreements) known = known || a.id == id;
      if (!known) return fail(404, "ResourceNotFoundException", "Agreement " + id + " not found");
      std::string out = "{\"agreementInvoiceLineItemGroupSummaries\":[";
      bool first = true;
      for (const auto& i : invoices) {
        if (i.agreement_id != id) continue;
        out += std::string(first ? "" : ",") + "{\"agreementId\":\"" + i.agreement_id +
               "\",\"invoiceId\":\"" + i.invoice_id + "\",\"invoiceType\":\"" + i.type +
               "\",\"pricingCurrencyAmount\":{\"amount\":\"" + i.amount +
               "\",\"maxAdjustmentAmount\":\"" + i.max + "\",\"currencyCode\":\"" + i.currency +
               "\"},\"invoiceBillingPeriod\":{\"month\":1,\"year\":2026},\"issuedTime\":1767225600}";
        first = false;
      }
      return ok(out + "]}");
    }
    if (op == "BatchCreateBillingAdjustmentRequest") {
      int fault = batch_fault ? batch_fault(in) : 0;
      if (fault > 0) return fail(fault, fault == 400 ? "ThrottlingException" : "InternalServerException", "fault");
      std::string items, errors;
      for (const auto& e : in["billingAdjustmentRequestEntries"].GetArray()) {
        const std::string token = e["clientToken"].GetString();
        const std::string inv_id = e["originalInvoiceId"].GetString();
        const std::string amt = e["adjustmentAmount"].GetString();
        std::string ba;
        for (const auto& x : ledger) {
          if (x.token == token) ba = x.ba_id;
        }
        std::string code, msg;
        if (ba.empty()) {
          if (reject.count(token)) {
            code = reject[token].first;
            msg = reject[token].second;
          } else {
            invoice* inv = nullptr;
            for (auto& i : invoices) {
              if (i.invoice_id == inv_id) inv = &i;
            }
            if (!inv) {
              code = "RESOURCE_NOT_FOUND_EXCEPTION";
              msg = "no invoice";
            } else if (mpadjust::amount::parse(amt, "a") > mpadjust::amount::parse(inv->max, "m")) {
              code = "VALIDATION_EXCEPTION";
              msg = "exceeds maximum";
            } else {
              inv->max = minus(inv->max, amt, inv->currency);
              ba = "ba-" + std::to_string(1000 + ledger.size());
              ledger.push_back({ba, e["agreementId"].GetString(), inv_id, amt,
                                e["currencyCode"].GetString(), token});
            }
          }
        }
        if (!ba.empty()) {
          items += std::string(items.empty() ? "" : ",") + "{\"billingAdjustmentRequestId\":\"" + ba +
                   "\",\"clientToken\":\"" + token + "\"}";
        } else {
          errors += std::string(errors.empty() ? "" : ",") + "{\"code\":\"" + code +
                    "\",\"message\":\"" + msg + "\",\"clientToken\":\"" + token + "\"}";
        }
      }
      if (fault < 0) {
        throw mpadjust::transport_error(mpadjust::transport_failure::receive,
                                        "connection dropped after apply (fake)");
      }
      return ok("{\"items\":[" + items + "],\"errors\":[" + errors + "]}");
    }
    if (op == "GetBillingAdjustmentRequest") {
      const std::string id = in["billingAdjustmentRequestId"].GetString();
      for (const auto& x : ledger) {
        if (x.ba_id == id) {
          const bool failed = x.amount == "13.00";
          return ok("{\"billingAdjustmentRequestId\":\"" + x.ba_id + "\",\"agreementId\":\"" +
                    x.agreement_id + "\",\"adjustmentReasonCode\":\"OTHER\",\"originalInvoiceId\":\"" +
                    x.invoice_id + "\",\"adjustmentAmount\":\"" + x.amount +
                    "\",\"currencyCode\":\"" + x.currency + "\",\"status\":\"" +
                    (failed ? "VALIDATION_FAILED\",\"statusMessage\":\"unlucky amount" : "COMPLETED") +
                    "\",\"createdAt\":1767225600,\"updatedAt\":1767225600}");
        }
      }
      return fail(404, "ResourceNotFoundException", "no such request");
    }
    return fail(400, "ValidationException", "unsupported in fake: " + op);
  }

 private:
  static std::string describe(const agreement& a, bool summary) {
    (void)summary;
    return "{\"agreementId\":\"" + a.id + "\",\"status\":\"" + a.status +
           "\",\"agreementType\":\"PurchaseAgreement\",\"acceptor\":{\"accountId\":\"" + a.buyer +
           "\"},\"proposer\":{\"accountId\":\"111122223333\"},\"proposalSummary\":{\"offerId\":\"" +
           a.offer + "\",\"resources\":[{\"id\":\"" + a.product +
           "\",\"type\":\"SaaSProduct\"}]},\"startTime\":1767225600,\"endTime\":1798761600}";
  }
  static mpadjust::http_response ok(const std::string& body) {
    mpadjust::http_response r;
    r.status = 200;
    r.headers.push_back({"x-amzn-RequestId", "req-fake"});
    r.headers.push_back({"Content-Type", "application/x-amz-json-1.0"});
    r.body = body;
    return r;
  }
  static mpadjust::http_response fail(int status, const std::string& type, const std::string& msg) {
    mpadjust::http_response r;
    r.status = status;
    r.headers.push_back({"x-amzn-RequestId", "req-fake"});
    r.headers.push_back({"X-Amzn-ErrorType", type});
    r.headers.push_back({"Content-Type", "application/x-amz-json-1.0"});
    r.body = "{\"__type\":\"" + type + "\",\"message\":\"" + msg + "\"}";
    return r;
  }
};

inline mpadjust::client make_client(std::shared_ptr<service> s, int max_attempts = 1) {
  mpadjust::client_config cfg;
  cfg.region = "us-east-1";
  cfg.endpoint = "https://agreement-marketplace.us-east-1.amazonaws.com";
  cfg.credentials = mpadjust::make_static_credentials_provider(
      "AKIDEXAMPLE", mpadjust::secret_string("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"));
  cfg.http_transport = std::move(s);
  cfg.retry.max_attempts = max_attempts;
  cfg.retry.sleep = [](std::chrono::milliseconds) {};
  cfg.env.get = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
  return mpadjust::client(cfg);
}

}  // namespace wf_fake
