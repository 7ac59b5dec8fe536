"""Deprecated alias, kept for one release: ``python -m saycan.vla.train`` is now ``python -m saycan.train_vla``."""

if __name__ == "__main__":
    from saycan.train_vla import main

    main()
