from border_trade import create_app

app = create_app()
