FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 postgresql-client gettext libpango-1.0-0 libpangoft2-1.0-0 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
RUN DJANGO_DEBUG=false DJANGO_SECRET_KEY=collectstatic-only-not-a-real-secret-key-000000000000 \
    sh -c "python manage.py collectstatic --noinput && python manage.py compilemessages -v 0"
RUN useradd --create-home realcities && mkdir -p /app/media && chown realcities /app/media
USER realcities
EXPOSE 8000
CMD ["gunicorn", "realcities.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
