"""The desktop window: Qt models, views, dialogs and jobs over the services. No SQL here."""
