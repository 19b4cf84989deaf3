"""A one-command Typer app: the reference for `permitcheck --help`."""

import typer

app = typer.Typer(add_completion=False)


@app.command()
def main(name: str = "world") -> None:
    """Greet someone."""
    typer.echo(f"hello {name}")


if __name__ == "__main__":
    app()
