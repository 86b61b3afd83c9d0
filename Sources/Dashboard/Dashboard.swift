// Dashboard module: arrives with the dashboard's first commit.
