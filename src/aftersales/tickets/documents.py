"""Printed documents (PDF) with reportlab's built-in CJK font STSong-Light, so no font files
are needed: the service ticket form (售后服务维修联络单) with signature lines, the quote,
and the custody label with a QR code of the ticket number. A4 and a 60 × 40 mm label."""
from __future__ import annotations

from io import BytesIO

from django.utils import timezone
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from aftersales.billing.selectors import ticket_money

FONT = "STSong-Light"
LABEL_SIZE = (60 * mm, 40 * mm)
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


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


def service_form(ticket) -> bytes:
    """售后服务维修联络单: what was asked, found and done, with the signature lines."""
    pdf, buffer = _new(A4, f"售后服务维修联络单 {ticket.number}")
    width, height = A4
    pdf.setFont(FONT, 18)
    pdf.drawCentredString(width / 2, height - 25 * mm, "售后服务维修联络单")
    pdf.setFont(FONT, 10)
    pdf.drawRightString(width - 20 * mm, height - 33 * mm, f"单号：{ticket.number}")
    device = ticket.device
    y = _rows(pdf, 20 * mm, height - 45 * mm, [
        ("客户", f"{ticket.customer.name}（{ticket.customer.number}）"),
        ("电话", ticket.contact_phone or ticket.customer.phone),
        ("地址", ticket.customer.address),
        ("联系人", ticket.contact_name),
        ("产品型号", device.model.name if device else ""),
        ("序列号/IMEI", f"{device.serial} {device.imei or ''}" if device else ""),
        ("服务类型", f"{ticket.get_kind_display()} / {ticket.get_mode_display()}"),
        ("优先级", ticket.get_priority_display()),
        ("受理时间", _local(ticket.created_at)),
        ("故障描述", ticket.summary),
        ("故障代码", str(ticket.fault_code or "")),
        ("检测结果", ticket.findings),
        ("保修判定", {True: "保内", False: "保外"}.get(ticket.warranty_covered, "")),
        ("处理结果", ticket.resolution),
        ("完成时间", _local(ticket.resolved_at)),
    ])
    y -= 4 * mm
    pdf.setFont(FONT, 10.5)
    pdf.drawString(20 * mm, y, "上门记录：")
    y -= 7 * mm
    for visit in ticket.visits.all():
        pdf.drawString(25 * mm, y, f"第{visit.trip_no}次  预约 {_local(visit.scheduled_at)}  "
                                   f"到达 {_local(visit.arrived_at)}  离开 {_local(visit.departed_at)}")
        y -= 6 * mm
    y = max(y - 10 * mm, 45 * mm)
    pdf.setFont(FONT, 11)
    pdf.drawString(20 * mm, y, "客户签字：________________")
    pdf.drawString(110 * mm, y, "工程师签字：________________")
    y -= 10 * mm
    pdf.drawString(20 * mm, y, "日期：____年____月____日")
    pdf.drawString(110 * mm, y, "满意度：□1 □2 □3 □4 □5")
    if ticket.signed_by:
        pdf.setFont(FONT, 9)
        pdf.drawString(20 * mm, y - 8 * mm, f"已由 {ticket.signed_by} 于 {_local(ticket.signed_at)} 电子签收")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


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
        pdf.drawRightString(width - 20 * mm, y, f"{line.get('amount')}")
        y -= 7 * mm
        if y < 50 * mm:
            pdf.showPage()
            y = height - 25 * mm
    pdf.line(20 * mm, y + 4 * mm, width - 20 * mm, y + 4 * mm)
    pdf.setFont(FONT, 12)
    pdf.drawString(20 * mm, y - 2 * mm, "合计")
    pdf.drawRightString(width - 20 * mm, y - 2 * mm, f"¥{data.get('total')}")
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
