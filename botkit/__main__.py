from botkit.channels.cli import main

main()
