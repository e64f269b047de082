"""``python3 manage.py demo``: migrate, load demo data, then run the web server, a Celery worker
and Celery beat (one beat process) until Ctrl-C."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from wiring.demo import DEMO_PASSWORD, DEMO_USERS, load_demo_data


class Command(BaseCommand):
    help = "Set up and run the demo: web server, Celery worker and Celery beat."

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default=os.environ.get("SMALLGRANTS_ADDRPORT", "127.0.0.1:8000"))
        parser.add_argument("--no-serve", action="store_true", help="Set up and load the data, start nothing.")

    def handle(self, *args, addrport, no_serve, **options):
        if "SMALLGRANTS_BASE_URL" not in os.environ:
            # E-mail links point at the address the demo really listens on.
            os.environ["SMALLGRANTS_BASE_URL"] = settings.SITE_BASE_URL = f"http://{addrport}"
        call_command("setup_assets", test_packages=False)
        call_command("migrate", interactive=False, verbosity=0)
        load_demo_data()
        self._print_logins(addrport)
        if no_serve:
            return
        self._run(addrport)

    def _print_logins(self, addrport):
        self.stdout.write(self.style.SUCCESS(f"\nSmall Grants demo on http://{addrport}/"))
        self.stdout.write(
            f"Database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, "
            f"broker: {settings.CELERY_BROKER_URL.split('://')[0]}"
        )
        self.stdout.write(f"Log in with any of these (password: {DEMO_PASSWORD}):")
        for email, name, roles in DEMO_USERS:
            self.stdout.write(f"  {email:<26} {', '.join(roles):<10} {name}")
        self.stdout.write("E-mails (sign-up verification, confirmations) are printed below by the worker.\n")

    def _run(self, addrport):
        env = {**os.environ, "DJANGO_DEBUG": os.environ.get("DJANGO_DEBUG", "1"), "PYTHONUNBUFFERED": "1"}
        python = sys.executable
        manage = str(settings.BASE_DIR / "manage.py")
        celery = [python, "-m", "celery", "-A", "config.celery"]
        commands = {
            "web": [python, manage, "runserver", addrport, "--noreload"],
            "worker": [
                *celery,
                "worker",
                "--loglevel=INFO",
                "--concurrency=2",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            "beat": [*celery, "beat", "--loglevel=INFO", "-s", settings.CELERY_BEAT_SCHEDULE_FILENAME],
        }
        processes = {name: subprocess.Popen(cmd, env=env, cwd=settings.BASE_DIR) for name, cmd in commands.items()}

        def stop(*_args):
            for process in processes.values():
                if process.poll() is None:
                    process.terminate()
            for process in processes.values():
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()

        signal.signal(signal.SIGTERM, lambda *a: (stop(), sys.exit(0)))
        try:
            while all(p.poll() is None for p in processes.values()):
                time.sleep(0.5)
            failed = [name for name, p in processes.items() if p.poll() is not None]
            self.stderr.write(f"{', '.join(failed)} stopped; stopping the rest.")
        except KeyboardInterrupt:
            pass
        finally:
            stop()
