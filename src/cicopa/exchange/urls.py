from cicopa.exchange import listing_urls, trade_urls

app_name = "exchange"
urlpatterns = [*listing_urls.urlpatterns, *trade_urls.urlpatterns]
