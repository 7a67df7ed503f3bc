from django.urls import path

from cicopa.exchange import trade_views as views

urlpatterns = [
    path("listings/<int:pk>/enquire/", views.enquire, name="enquire"),
    path("listings/<int:pk>/order/", views.order_new, name="order_new"),
    path("enquiries/", views.enquiries, name="enquiries"),
    path("enquiries/<int:pk>/", views.enquiry, name="enquiry"),
    path("orders/", views.orders, name="orders"),
    path("orders/<int:pk>/", views.order, name="order"),
    path("orders/<int:pk>/propose/", views.order_propose, name="order_propose"),
    path("orders/<int:pk>/proposals/<int:proposal>/<str:answer>/", views.proposal_answer, name="proposal_answer"),
    path("orders/<int:pk>/deliver/", views.order_deliver, name="order_deliver"),
    path("orders/<int:pk>/invoice/", views.order_invoice, name="order_invoice"),
    path("invoices/", views.invoices, name="invoices"),
    path("invoices/new/", views.invoice_new, name="invoice_new"),
    path("invoices/import/", views.invoice_import, name="invoice_import"),
    path("invoices/<int:pk>/", views.invoice, name="invoice"),
    path("invoices/<int:pk>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("invoices/<int:pk>/<str:step>/", views.invoice_step, name="invoice_step"),
    path("trade/", views.trade_overview, name="trade"),
    path("trade/export.<str:fmt>", views.trade_export, name="trade_export"),
]
