import stub


class Job:
    def __init__(self, glue_context):
        pass

    def init(self, name, args):
        stub.event("job.init", name)

    def commit(self):
        stub.event("job.commit")
