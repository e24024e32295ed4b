from opencode.cli.entry import main

main()
