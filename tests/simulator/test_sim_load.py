"""A 10 000-agreement seed pages correctly (expected results computed from the seed file, not
from the simulator)."""
import collections
import datetime

import pytest

import simfixture

SELLER = simfixture.SELLER["account_id"]


def epoch(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()


@pytest.fixture(scope="module")
def big(big_seed):
    path, data = big_seed
    with simfixture.start_simulator(seed=str(path)) as s:
        yield s, data


def page_all(call, key, **kw):
    out, token, pages = [], None, 0
    while True:
        r = call(**kw, **({"nextToken": token} if token else {}))
        out += r[key]
        pages += 1
        token = r.get("nextToken")
        if not token:
            return out, pages


def test_search_pages_through_every_agreement_of_the_seller(big):
    sim, data = big
    c = sim.client()
    mine = [a for a in data["agreements"] if a["proposerAccountId"] == SELLER]
    assert len(mine) > 7000
    got, pages = page_all(c.search_agreements, "agreementViewSummaries", maxResults=50, filters=[
        {"name": "PartyType", "values": ["Proposer"]},
        {"name": "AgreementType", "values": ["PurchaseAgreement"]}])
    ids = [a["agreementId"] for a in got]
    assert len(ids) == len(set(ids)) == len(mine)
    assert set(ids) == {a["agreementId"] for a in mine}
    assert pages == -(-len(mine) // 50)
    ends = [a["endTime"].timestamp() for a in got]
    assert ends == sorted(ends, reverse=True)


def test_search_by_buyer_and_status(big):
    sim, data = big
    c = sim.client()
    buyers = collections.Counter(a["acceptorAccountId"] for a in data["agreements"]
                                 if a["proposerAccountId"] == SELLER)
    buyer = buyers.most_common(1)[0][0]
    want = {a["agreementId"] for a in data["agreements"] if a["proposerAccountId"] == SELLER
            and a["acceptorAccountId"] == buyer and a["status"] == "ACTIVE"}
    got, _ = page_all(c.search_agreements, "agreementViewSummaries", maxResults=2, filters=[
        {"name": "PartyType", "values": ["Proposer"]},
        {"name": "AgreementType", "values": ["PurchaseAgreement"]},
        {"name": "AcceptorAccountId", "values": [buyer]},
        {"name": "Status", "values": ["ACTIVE"]}])
    assert {a["agreementId"] for a in got} == want


def test_invoices_of_an_agreement_page_correctly(big):
    sim, data = big
    c = sim.client()
    per = collections.Counter(i["agreementId"] for i in data["invoices"])
    owner = {a["agreementId"]: a["proposerAccountId"] for a in data["agreements"]}
    agreement = max((a for a in per if owner[a] == SELLER), key=per.get)
    want = sorted((epoch(i["issuedTime"]), i["invoiceId"]) for i in data["invoices"]
                  if i["agreementId"] == agreement)
    got, pages = page_all(c.list_agreement_invoice_line_items,
                          "agreementInvoiceLineItemGroupSummaries", agreementId=agreement,
                          groupBy="INVOICE_ID", maxResults=2)
    assert [s["invoiceId"] for s in got] == [w[1] for w in want]
    assert pages == -(-len(want) // 2)
