"""The warranty engine's codes in words (the engine itself stays free of Django)."""
from django.utils.translation import gettext_lazy as _

BASIS_LABELS = {
    "invoice": _("by the purchase invoice"),
    "manufacture_date": _("by the manufacturing date"),
    "contract": _("by a service contract"),
    "repair_warranty": _("by the warranty of an earlier repair"),
    "repair_caused": _("a fault caused by our earlier repair"),
    "repeat_fault": _("repeated fault (三包)"),
    "none": _("no warranty"),
}
REASON_LABELS = {
    "misuse": _("damaged by misuse"),
    "self_repair": _("opened or repaired by someone else"),
    "force_majeure": _("force majeure"),
    "card_altered": _("the warranty card was altered"),
    "card_mismatch": _("the warranty card does not match the unit"),
    "appearance": _("appearance damage is not covered"),
    "no_proof": _("no proof of purchase"),
    "needs_invoice_and_card": _("needs both the invoice and the warranty card"),
    "expired": _("the warranty period has ended"),
    "invoice_mismatch": _("the invoice does not match the unit"),
    "dates_differ": _("the dates on the card and the invoice differ"),
    "label_missing": _("the network-access or IMEI label is missing"),
    "casing_wear": _("casing wear is not covered"),
}
OPTION_LABELS = {
    "return": _("return"),
    "exchange": _("exchange"),
    "free_repair": _("free repair"),
    "paid_repair": _("paid repair"),
}
