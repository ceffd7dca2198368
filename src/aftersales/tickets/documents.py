"""Printed documents (PDF) with reportlab's built-in CJK font STSong-Light, so no font files
are needed: the service ticket form (售后服务维修联络单) with signature lines, the quote,
and the custody label with a QR code of the ticket number. A4 and a 60 × 40 mm label."""
from __future__ import annotations

import base64
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from aftersales.billing.selectors import ticket_money
from aftersales.core.money import to_money

from .story import CAUSE_LABELS, money_explained, warranty_verdict

LABEL_SIZE = (60 * mm, 40 * mm)
# A TrueType CJK font is embedded (subset) when one is found: AFTERSALES_PDF_FONT, else
# Debian's WenQuanYi Micro Hei (fonts-wqy-microhei) or Droid Sans Fallback. Without one,
# reportlab's built-in CID font STSong-Light (the reader supplies the glyphs).
FONT_CANDIDATES = [
    getattr(settings, "PDF_FONT", ""),
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
]


def _register_font() -> str:
    for path in filter(None, FONT_CANDIDATES):
        if Path(path).is_file():
            try:
                pdfmetrics.registerFont(TTFont("AftersalesCJK", path, subfontIndex=0))
            except Exception:  # noqa: BLE001 - an unusable font file: try the next one
                continue
            return "AftersalesCJK"
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


FONT = _register_font()


def _local(value, fmt="%Y-%m-%d %H:%M") -> str:
    return timezone.localtime(value).strftime(fmt) if value else ""


def _new(size, title: str) -> tuple[canvas.Canvas, BytesIO]:
    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=size)
    pdf.setTitle(title)
    pdf.setAuthor("Aftersales")
    return pdf, buffer


def _rows(pdf, x, y, rows, *, label_width=32 * mm, size=10.5, leading=7 * mm):
    for label, value in rows:
        pdf.setFont(FONT, size)
        pdf.drawString(x, y, f"{label}：")
        pdf.drawString(x + label_width, y, str(value or ""))
        y -= leading
    return y


def _qr(pdf, text: str, x, y, side):
    widget = QrCodeWidget(text)
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(side, side, transform=[side / (right - left), 0, 0,
                                             side / (top - bottom), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, pdf, x, y)


def _letterhead(pdf, ticket, width, height) -> float:
    point = ticket.service_point
    pdf.setFont(FONT, 13)
    pdf.drawString(20 * mm, height - 15 * mm, point.name if point else "售后服务中心")
    pdf.setFont(FONT, 8.5)
    contact = "  ".join(x for x in [point.address if point else "",
                                    f"电话 {point.phone}" if point and point.phone else ""] if x)
    pdf.drawString(20 * mm, height - 20 * mm, contact)
    pdf.setLineWidth(1.2)
    pdf.line(20 * mm, height - 23 * mm, width - 20 * mm, height - 23 * mm)
    pdf.setLineWidth(1)
    return height - 23 * mm


def _signature(pdf, ticket, x, y, w, h) -> bool:
    """Draw the customer's drawn signature (PNG kept at sign-off); False without one."""
    if not ticket.signature_png:
        return False
    try:
        raw = base64.b64decode(ticket.signature_png.split(",", 1)[-1])
        pdf.drawImage(ImageReader(BytesIO(raw)), x, y, width=w, height=h,
                      preserveAspectRatio=True, mask="auto")
    except (ValueError, OSError):
        return False
    return True


def service_form(ticket, *, tracking_url: str = "") -> bytes:
    """售后服务维修联络单: letterhead, what was asked, found and done, the warranty verdict,
    parts and charges, the customer's opinion box, the signature and a QR code of the
    tracking page. The paper form is Chinese whatever the screen's language."""
    with translation.override("zh-hans"):
        return _service_form(ticket, tracking_url=tracking_url)


def _service_form(ticket, *, tracking_url: str) -> bytes:
    pdf, buffer = _new(A4, f"售后服务维修联络单 {ticket.number}")
    width, height = A4
    top = _letterhead(pdf, ticket, width, height)
    pdf.setFont(FONT, 18)
    pdf.drawCentredString(width / 2, top - 11 * mm, "售后服务维修联络单")
    pdf.setFont(FONT, 10)
    pdf.drawString(20 * mm, top - 19 * mm, f"单号：{ticket.number}")
    pdf.drawRightString(width - 45 * mm, top - 19 * mm, f"受理：{_local(ticket.created_at)}")
    if tracking_url:
        _qr(pdf, tracking_url, width - 42 * mm, top - 30 * mm, 22 * mm)
        pdf.setFont(FONT, 7)
        pdf.drawCentredString(width - 31 * mm, top - 33 * mm, "扫码查看进度")
    device = ticket.device
    verdict = warranty_verdict(ticket)
    if verdict:
        why = "；".join(verdict["reasons"])
        warranty_text = f"{verdict['headline']}（{verdict['basis']}）" + (f"：{why}" if why else "")
    else:
        warranty_text = "待检测"
    y = _rows(pdf, 20 * mm, top - 28 * mm, [
        ("客户", f"{ticket.customer.name}（{ticket.customer.number}）"),
        ("电话", ticket.contact_phone or ticket.customer.phone),
        ("地址", ticket.customer.address),
        ("联系人", ticket.contact_name),
        ("产品型号", device.model.name if device else ""),
        ("序列号/IMEI", f"{device.serial} {device.imei or ''}" if device else ""),
        ("服务类型", f"{ticket.get_kind_display()} / {ticket.get_mode_display()}"),
        ("故障描述", ticket.summary),
        ("故障代码", str(ticket.fault_code or "")),
        ("检测结果", ticket.findings),
        ("故障原因", str(CAUSE_LABELS.get(ticket.cause, "")) if ticket.cause else ""),
        ("保修判定", warranty_text[:60]),
        ("处理结果", ticket.resolution),
        ("完成时间", _local(ticket.resolved_at)),
    ], leading=6.5 * mm)
    # visits
    visits = list(ticket.visits.all())
    if visits:
        pdf.setFont(FONT, 10.5)
        pdf.drawString(20 * mm, y, "上门记录：")
        y -= 6 * mm
        pdf.setFont(FONT, 9.5)
        for visit in visits:
            pdf.drawString(25 * mm, y, f"第{visit.trip_no}次  预约 {_local(visit.scheduled_at)}  "
                                       f"到达 {_local(visit.arrived_at)}  离开 {_local(visit.departed_at)}")
            y -= 5.5 * mm
    # parts and charges
    money = ticket_money(ticket=ticket)
    y -= 3 * mm
    pdf.setFont(FONT, 10.5)
    pdf.drawString(20 * mm, y, "配件及费用")
    pdf.drawRightString(width - 20 * mm, y, "金额（元）")
    pdf.line(20 * mm, y - 2 * mm, width - 20 * mm, y - 2 * mm)
    y -= 7 * mm
    pdf.setFont(FONT, 9.5)
    for line in money["lines"]:
        pdf.drawString(22 * mm, y, str(line.get("description", ""))[:48])
        pdf.drawRightString(width - 20 * mm, y, _amount(line.get("amount")))
        y -= 5.5 * mm
    if not money["lines"]:
        pdf.drawString(22 * mm, y, "无")
        y -= 5.5 * mm
    pdf.line(20 * mm, y + 3 * mm, width - 20 * mm, y + 3 * mm)
    pdf.setFont(FONT, 10.5)
    pdf.drawString(22 * mm, y - 2 * mm,
                   f"合计 {_amount(money['total'])}    已付 {_amount(money['paid'])}    "
                   f"未付 {_amount(money['outstanding'])}")
    y -= 8 * mm
    pdf.setFont(FONT, 9)
    for sentence in money_explained(ticket, money):
        pdf.drawString(22 * mm, y, sentence[:70])
        y -= 5 * mm
    # the customer's opinion box, with the signature
    box_h = 42 * mm
    y = max(y - 4 * mm, box_h + 18 * mm)
    pdf.rect(20 * mm, y - box_h, width - 40 * mm, box_h)
    pdf.setFont(FONT, 10.5)
    pdf.drawString(23 * mm, y - 6 * mm, "客户意见：")
    stars = "".join("■" if ticket.satisfaction and n <= ticket.satisfaction else "□"
                    for n in range(1, 6))
    pdf.drawString(110 * mm, y - 6 * mm, f"满意度：{stars}"
                   + (f"（{ticket.satisfaction} 分）" if ticket.satisfaction else ""))
    comment = next((f.comment for f in ticket.follow_ups.all() if f.comment), "")
    if comment:
        pdf.setFont(FONT, 9.5)
        pdf.drawString(27 * mm, y - 13 * mm, comment[:60])
    pdf.setFont(FONT, 10.5)
    pdf.drawString(23 * mm, y - box_h + 6 * mm, "客户签字：")
    if _signature(pdf, ticket, 45 * mm, y - box_h + 2 * mm, 55 * mm, 22 * mm):
        pdf.setFont(FONT, 8.5)
        pdf.drawString(103 * mm, y - box_h + 6 * mm,
                       f"{ticket.signed_by} {_local(ticket.signed_at)} 电子签名")
    else:
        pdf.drawString(45 * mm, y - box_h + 6 * mm, "________________")
    pdf.drawString(140 * mm, y - box_h + 6 * mm, "工程师签字：")
    engineer = ticket.engineer.display_name if ticket.engineer else ""
    pdf.drawString(163 * mm, y - box_h + 6 * mm, engineer)
    pdf.setFont(FONT, 7.5)
    pdf.drawString(20 * mm, 12 * mm, "本联络单为维修服务凭证，请妥善保管。三包有效期内凭此单及购机发票享受保修服务。")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _amount(value) -> str:
    return f"¥{to_money(value or 0):,.2f}"


def _quote_data(ticket) -> dict:
    return ticket_money(ticket=ticket)


def quote(ticket) -> bytes:
    """报价单: the lines the customer approves before any chargeable work."""
    data = _quote_data(ticket)
    pdf, buffer = _new(A4, f"报价单 {ticket.number}")
    width, height = A4
    pdf.setFont(FONT, 18)
    pdf.drawCentredString(width / 2, height - 25 * mm, "维修报价单")
    y = _rows(pdf, 20 * mm, height - 40 * mm, [
        ("单号", ticket.number), ("客户", ticket.customer.name),
        ("产品", f"{ticket.device.model.name} {ticket.device.serial}" if ticket.device else ""),
        ("日期", timezone.localdate().isoformat()),
    ])
    y -= 4 * mm
    pdf.setFont(FONT, 11)
    pdf.drawString(20 * mm, y, "项目")
    pdf.drawRightString(width - 20 * mm, y, "金额（元）")
    pdf.line(20 * mm, y - 2 * mm, width - 20 * mm, y - 2 * mm)
    y -= 8 * mm
    for line in data.get("lines", []):
        pdf.setFont(FONT, 10.5)
        pdf.drawString(20 * mm, y, str(line.get("description", ""))[:50])
        pdf.drawRightString(width - 20 * mm, y, _amount(line.get("amount")))
        y -= 7 * mm
        if y < 50 * mm:
            pdf.showPage()
            y = height - 25 * mm
    pdf.line(20 * mm, y + 4 * mm, width - 20 * mm, y + 4 * mm)
    pdf.setFont(FONT, 12)
    pdf.drawString(20 * mm, y - 2 * mm, "合计")
    pdf.drawRightString(width - 20 * mm, y - 2 * mm, _amount(data.get("total")))
    y -= 20 * mm
    pdf.setFont(FONT, 10.5)
    pdf.drawString(20 * mm, y, "保内项目免费；收费项目须经客户确认签字后方可施工。")
    y -= 14 * mm
    pdf.drawString(20 * mm, y, "客户确认签字：________________")
    pdf.drawString(110 * mm, y, "日期：____年____月____日")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def custody_label(ticket) -> bytes:
    """送修标签: unique per received unit, with a QR code of the ticket number."""
    pdf, buffer = _new(LABEL_SIZE, f"送修标签 {ticket.number}")
    width, height = LABEL_SIZE
    try:
        custody = ticket.custody
    except Exception:  # noqa: BLE001 - no custody record yet: label shows the ticket only
        custody = None
    side = 30 * mm
    _qr(pdf, ticket.number, width - side - 2 * mm, (height - side) / 2, side)
    pdf.setFont(FONT, 9)
    pdf.drawString(3 * mm, height - 7 * mm, "送修标签")
    pdf.setFont(FONT, 8)
    pdf.drawString(3 * mm, height - 13 * mm, ticket.number)
    if custody is not None:
        pdf.drawString(3 * mm, height - 18 * mm, custody.label)
        pdf.drawString(3 * mm, height - 23 * mm, _local(custody.received_at, "%Y-%m-%d"))
    pdf.drawString(3 * mm, 8 * mm, (ticket.customer.name or "")[:8])
    if ticket.device:
        pdf.drawString(3 * mm, 4 * mm, ticket.device.serial[:16])
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
