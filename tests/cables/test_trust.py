"""Trust by role: owners and suppliers matched to the concern list through kizuna.screening."""

from __future__ import annotations

from pathlib import Path

import pytest

from kizuna.cables.model import Network
from kizuna.cables.trust import assess, load_concern, match_names, role_of
from kizuna.core.errors import InputError
from kizuna.core.evidence import EvidenceKind, Outcome
from kizuna.screening import Hit

CONCERN = load_concern()


def test_the_bundled_concern_list_cites_every_party() -> None:
    assert {p.id for p in CONCERN.parties} == {"hmn-tech", "china-telecom", "china-unicom", "china-mobile"}
    assert all(p.citation.citation and p.citation.url.startswith("https://") for p in CONCERN.parties)
    assert all(p.party.source_url == p.citation.url and p.party.aliases for p in CONCERN.parties)
    assert CONCERN.rules["supplier"].enabled and CONCERN.rules["owner"].enabled


def test_names_match_through_screening_across_spellings_and_scripts() -> None:
    found = match_names({"HMN Tech", "Huawei Marine Networks Co., Ltd.", "China Telecom Global Limited", "中国移动",
                         "Chunghwa Telecom", "NEC", "China Telecom", "Telstra"}, CONCERN)
    assert all(isinstance(h, Hit) and h.score >= CONCERN.match_threshold for hits in found.values() for h in hits)
    assert found["HMN Tech"][0].entry_id == "hmn-tech"
    assert found["Huawei Marine Networks Co., Ltd."][0].entry_id == "hmn-tech"
    assert found["China Telecom Global Limited"][0].entry_id == "china-telecom"
    assert found["中国移动"][0].entry_id == "china-mobile"
    assert found["China Telecom"][0].entry_id == "china-telecom"
    assert "Chunghwa Telecom" not in found  # Taiwan's carrier is not China Telecom
    assert "NEC" not in found and "Telstra" not in found


def test_cables_of_concern_by_role(network: Network) -> None:
    report = assess(network, CONCERN)
    tse = report.findings["taiwan-strait-express-1-tse-1"]
    assert {role_of(f) for f in tse} == {"supplier", "owner"}
    supplier = next(f for f in tse if role_of(f) == "supplier")
    evidence = supplier.evidence[0]
    assert supplier.outcome is Outcome.MET and supplier.rule == "cables.concern.supplier"
    assert evidence.kind is EvidenceKind.LIST_HIT and evidence.subject is not None
    assert (evidence.subject.name, evidence.data["party_id"]) == ("HMN Tech", "hmn-tech")
    assert evidence.score == evidence.data["match_score"] >= CONCERN.match_threshold
    assert [r.code for r in evidence.reasons] == ["screening-match", "assumed-share"]
    assert supplier.citation is not None and "84 FR 22963" in supplier.citation.citation
    # The sentence is the rule file's template filled with the finding's values.
    assert supplier.text == ("supplier 'HMN Tech' matches HMN Technologies Co., Ltd. (15 CFR part 744, Supp. 4 "
                             "(Entity List), Huawei Technologies Co., Ltd., 84 FR 22963 (2019-05-21))")
    # An owner cited by FCC orders whose text was not re-read (confidence: recalled) is shown as unconfirmed.
    owner = next(f for f in tse if role_of(f) == "owner")
    assert owner.citation is not None and not owner.citation.verified and "(unconfirmed)" in owner.text
    assert report.status("pacific-light-cable-network-plcn") == "trusted"
    assert report.status("asia-pacific-gateway-apg") == "concern"
    assert "assumed share" in report.why("asia-pacific-gateway-apg")
    in_service = [c for c in report.findings if not network.cables[c].is_planned]
    assert len(in_service) == 46
    # Every HMN-supplied cable in the data is flagged, and every flagged cable has a supplier or owner match.
    hmn = {c.id for c in network.cables.values() if "HMN Tech" in c.suppliers}
    assert len(hmn) == 36 and hmn <= set(report.findings)


def test_share_rule_from_a_users_concern_file(tmp_path: Path, network: Network) -> None:
    text = Path(CONCERN.path).read_text(encoding="utf-8").replace("min_share: 0.0\n    why: \"owned",
                                                                   "min_share: 0.2\n    why: \"owned")
    path = tmp_path / "concern.yaml"
    path.write_text(text, encoding="utf-8")
    strict = load_concern(path)
    assert strict.rules["owner"].min_share == 0.2
    report = assess(network, strict)
    # APG has 12 owners (8% each): no longer untrusted by ownership. Cross Straits (4 owners, 25%) still is.
    assert not report.untrusted("asia-pacific-gateway-apg")
    assert report.untrusted("cross-straits-cable-network")
    assert {role_of(f) for f in report.findings["taiwan-strait-express-1-tse-1"]} == {"supplier"}


def test_bad_concern_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("parties:\n  - id: x\n    name: X\n    roles: [landlord]\n    citation: c\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_concern(path)
    assert (error.value.field, error.value.line) == ("parties.0.roles.0", 4)
    path.write_text("match_threshold: 1.5\nparties:\n  - {id: x, name: X, roles: [owner], citation: c}\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_concern(path)
    assert (error.value.field, error.value.line) == ("match_threshold", 1)
    path.write_text("parties:\n  - {id: x, name: X, roles: [owner], citation: c, share: 0.5}\n", encoding="utf-8")
    with pytest.raises(InputError, match="Extra inputs"):
        load_concern(path)  # a misspelt or unknown key is refused, not ignored
    path.write_text("parties: [\n", encoding="utf-8")
    with pytest.raises(InputError, match="YAML"):
        load_concern(path)
