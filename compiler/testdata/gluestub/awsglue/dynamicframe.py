import stub


class DynamicFrame:
    def __init__(self, df=None):
        self.df = df

    @staticmethod
    def fromDF(df, glue_context, name):
        return DynamicFrame(df)
